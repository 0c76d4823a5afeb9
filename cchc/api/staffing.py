"""The staffing endpoints of the JSON API (/api/v1/staffing/), mounted by cchc.api.api."""

from ninja import Router

from cchc.api.auth import API_AUTH

router = Router(auth=API_AUTH, tags=["staffing"])
