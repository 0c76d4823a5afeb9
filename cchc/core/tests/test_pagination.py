from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def test_pagination_links_keep_the_filters_and_carry_one_question_mark() -> None:
    """`{% querystring %}` writes its own "?": a second one made `??page=2`, read as `?page`."""
    request = RequestFactory().get("/plans/", {"status": "overdue", "page": "2"})
    page = Paginator(list(range(60)), 20).get_page(2)

    html = render_to_string(
        "components/pagination.html", {"page": page, "target": "#rows"}, request=request
    )

    assert 'href="?status=overdue&amp;page=1"' in html
    assert 'hx-get="?status=overdue&amp;page=3"' in html
    assert "??" not in html
