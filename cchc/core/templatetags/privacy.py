from django import template

from cchc.core.privacy import mask

register = template.Library()


@register.filter
def mask_personal(value: object) -> str:
    """A citizen's name or contact masked for a role that does not answer them: "0•••"."""
    return mask(str(value or ""))
