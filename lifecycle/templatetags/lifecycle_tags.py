from django import template
from django.utils.html import json_script

register = template.Library()


@register.simple_tag
def lifecycle_choices_json():
    """The lifecycle choice lists (labels in the request's language) for the pages' scripts."""
    from lifecycle.views import page_choices

    return json_script(page_choices(), "lifecycle-choices")


@register.simple_tag
def lifecycle_choice_list(name):
    from lifecycle.views import page_choices

    return page_choices()[name]
