"""Satisfaction surveys: periodic campaigns and the short survey after a resolved support request.

Partner users rate the report's 12 factors for importance and satisfaction (grouped into the five
categories); the analysis (importance–performance, the satisfaction index) lives in `analysis/`.
"""

