from django.contrib import admin

from .models import Agreement, FollowUp, Lead, PromotionMode, SourceRegion, Trip


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ("company", "zone", "stage", "likelihood", "source_region", "mode", "first_contact_on")
    list_filter = ("stage", "likelihood", "source_region", "mode")
    search_fields = ("company", "credit_code")
    readonly_fields = ("last_follow_up_on",)


for model in (FollowUp, Trip, Agreement, SourceRegion, PromotionMode):
    admin.site.register(model)
