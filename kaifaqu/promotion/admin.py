from django.contrib import admin

from kaifaqu.core.admin import ServiceAdmin

from .models import Agreement, FollowUp, Lead, PromotionMode, SourceRegion, Trip


def _write_lead(user, lead, old, form):
    from .services import save_lead

    return save_lead(lead, old=old)


@admin.register(Lead)
class LeadAdmin(ServiceAdmin):
    write = _write_lead
    list_display = ("company", "zone", "stage", "likelihood", "source_region", "mode", "first_contact_on")
    list_filter = ("stage", "likelihood", "source_region", "mode")
    search_fields = ("company", "credit_code")
    readonly_fields = ("last_follow_up_on",)


for model in (FollowUp, Trip, Agreement, SourceRegion, PromotionMode):
    admin.site.register(model)
