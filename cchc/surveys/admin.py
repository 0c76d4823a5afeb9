"""Satisfaction surveys in the admin site, read-only: questionnaires, campaigns and responses
change only through cchc.surveys.actions and imports, which write the audit trail. A response's
contact and client hash are personal data and are not shown here."""

from django.contrib import admin

from cchc.core.admin import ReadOnlyAdmin
from cchc.surveys.models import Campaign, CampaignUnit, Questionnaire, Response


@admin.register(Questionnaire)
class QuestionnaireAdmin(ReadOnlyAdmin):
    list_display = ["code", "version", "title_vi", "status", "is_template"]
    list_filter = ["status"]


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["title", "questionnaire", "period_start", "period_end", "status"]
    list_filter = ["status"]


@admin.register(CampaignUnit)
class CampaignUnitAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "unit", "transactions", "required"]


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ["campaign_unit", "status", "channel", "created_at"]
    list_filter = ["status", "channel"]
    exclude = ["contact", "contact_consent_version", "contact_consent_at", "client_hash"]
