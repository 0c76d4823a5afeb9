"""The procedures endpoints of the JSON API (/api/v1/procedures/), mounted by cchc.api.api."""

from ninja import Router

from cchc.api.auth import API_AUTH

router = Router(auth=API_AUTH, tags=["procedures"])
