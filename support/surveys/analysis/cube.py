"""The prepared importance–performance cube (surveys.AnswerAggregate), set-based.

One row per (campaign, factor, partner type, cooperation model, tier, city) — the partner's
attributes as copied onto the response at submission — holding the number of answers and the
sums of importance and satisfaction. Means per factor for any filter are then
Σ sums / Σ answers over a few hundred rows, never a scan of the answers.

    cube_add_response(response)        one INSERT … SELECT … ON CONFLICT DO UPDATE adding a
                                       submitted response's answers (called by the survey's
                                       response_submit inside its transaction)
    cube_rebuild(campaign_id=None)     delete-and-replace one campaign's cells (or every
                                       campaign's) from the answers, one INSERT … SELECT …
                                       GROUP BY per campaign (the nightly job and the demo data
                                       step call it, so the cube is exact whatever happened)

Both statements are plain SQL that SQLite (≥ 3.24) and PostgreSQL share (`excluded` names the
row that conflicted on both).
"""
from __future__ import annotations

from django.db import connection, transaction

from ..models import Answer, AnswerAggregate, Campaign, Response

CUBE = AnswerAggregate._meta.db_table
ANSWER = Answer._meta.db_table
RESPONSE = Response._meta.db_table
KEYS = "campaign_id, factor_id, partner_type_id, cooperation_model, tier, city_id"


def cube_add_response(response: Response | int) -> int:
    """Add one response's answers to the cube (one statement); returns the cells touched.

    Call it once per response, in the transaction that stores the answers: if that transaction
    rolls back, so does this. (The nightly rebuild would repair a miss or a double count.)
    Takes the Response (as surveys' response_submit passes it) or its id.
    """
    response_id = response if isinstance(response, int) else response.pk
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {CUBE} ({KEYS}, answers, importance_sum, satisfaction_sum)
                SELECT r.campaign_id, a.factor_id, r.partner_type_id, r.cooperation_model, r.tier, r.city_id,
                       COUNT(*), SUM(a.importance), SUM(a.satisfaction)
                FROM {ANSWER} a JOIN {RESPONSE} r ON r.id = a.response_id
                WHERE r.id = %s
                GROUP BY r.campaign_id, a.factor_id, r.partner_type_id, r.cooperation_model, r.tier, r.city_id
                ON CONFLICT ({KEYS}) DO UPDATE SET
                    answers = {CUBE}.answers + excluded.answers,
                    importance_sum = {CUBE}.importance_sum + excluded.importance_sum,
                    satisfaction_sum = {CUBE}.satisfaction_sum + excluded.satisfaction_sum""",
            [response_id],
        )
        return max(cursor.rowcount, 0)


def cube_rebuild(*, campaign_id: int | None = None) -> int:
    """Replace one campaign's cells (every campaign's when None) with a fresh aggregate of its
    answers; returns the cells written."""
    if campaign_id is None:
        return cube_rebuild_all()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {CUBE} WHERE campaign_id = %s", [campaign_id])
        cursor.execute(
            f"""INSERT INTO {CUBE} ({KEYS}, answers, importance_sum, satisfaction_sum)
                SELECT r.campaign_id, a.factor_id, r.partner_type_id, r.cooperation_model, r.tier, r.city_id,
                       COUNT(*), SUM(a.importance), SUM(a.satisfaction)
                FROM {ANSWER} a JOIN {RESPONSE} r ON r.id = a.response_id
                WHERE r.campaign_id = %s
                GROUP BY r.campaign_id, a.factor_id, r.partner_type_id, r.cooperation_model, r.tier, r.city_id""",
            [campaign_id],
        )
        return max(cursor.rowcount, 0)


def cube_rebuild_all() -> int:
    """Rebuild every campaign's cells (each campaign in its own transaction); returns the cells.

    Campaigns are few (a handful a year): the loop is over campaigns, each one a single
    set-based statement. Cells of campaigns that no longer exist went with them (CASCADE).
    """
    cells = 0
    for campaign_id in Campaign.objects.order_by("pk").values_list("pk", flat=True):
        cells += cube_rebuild(campaign_id=campaign_id)
    # Cells whose campaign has no answer any more were deleted with the campaign's other cells.
    return cells
