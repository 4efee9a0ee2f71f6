from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from kaifaqu.approvals import api as approval_api
from kaifaqu.approvals import resources as approval_resources
from kaifaqu.approvals.views import public_progress
from kaifaqu.assessment import api as assessment_api
from kaifaqu.assessment import resources as assessment_resources
from kaifaqu.core.views import home, records
from kaifaqu.enterprises.api import EnterpriseViewSet
from kaifaqu.enterprises.resources import EnterpriseResource
from kaifaqu.land import api as land_api
from kaifaqu.land import resources as land_resources
from kaifaqu.projects import api as project_api
from kaifaqu.projects import resources as project_resources
from kaifaqu.promotion import api as promotion_api
from kaifaqu.promotion import resources as promotion_resources
from kaifaqu.reports.resources import BulletinResource
from kaifaqu.reports.views import dashboard_page, dashboard_warning, figure_check_detail, figure_check_page
from kaifaqu.zones.api import CityViewSet, IndustryChainViewSet, ParkViewSet, ZoneViewSet
from kaifaqu.zones.resources import CityResource, IndustryChainResource, ParkResource, ZoneResource

handler500 = "kaifaqu.core.errors.server_error"

admin.site.site_header = _("开发区管理平台 · 管理后台")
admin.site.site_title = _("开发区管理平台")

router = DefaultRouter()
router.register("cities", CityViewSet, basename="api-city")
router.register("zones", ZoneViewSet, basename="api-zone")
router.register("parks", ParkViewSet, basename="api-park")
router.register("chains", IndustryChainViewSet, basename="api-industrychain")
router.register("enterprises", EnterpriseViewSet, basename="api-enterprise")
router.register("projects", project_api.ProjectViewSet, basename="api-project")
router.register("suspensions", project_api.SuspensionViewSet, basename="api-suspension")
router.register("plans", project_api.AnnualPlanViewSet, basename="api-annualplan")
router.register("reports", project_api.MonthlyReportViewSet, basename="api-monthlyreport")
router.register("problems", project_api.ProblemViewSet, basename="api-problem")
router.register("campaigns", project_api.CampaignViewSet, basename="api-campaign")
router.register("campaign-entries", project_api.CampaignEntryViewSet, basename="api-campaignentry")
router.register("meetings", project_api.DispatchMeetingViewSet, basename="api-dispatchmeeting")
router.register("procedures", approval_api.ProcedureViewSet, basename="api-procedure")
router.register("pauses", approval_api.PauseViewSet, basename="api-procedurepause")
router.register("procedure-types", approval_api.ProcedureTypeViewSet, basename="api-proceduretype")
router.register("calendar-years", approval_api.CalendarYearViewSet, basename="api-calendaryear")
router.register("holidays", approval_api.HolidayViewSet, basename="api-holiday")
router.register("commitments", approval_api.CommitmentViewSet, basename="api-commitment")
router.register("bundles", approval_api.BundleViewSet, basename="api-bundle")
router.register("service-logs", approval_api.ServiceLogViewSet, basename="api-servicelog")
router.register("leads", promotion_api.LeadViewSet, basename="api-lead")
router.register("follow-ups", promotion_api.FollowUpViewSet, basename="api-followup")
router.register("trips", promotion_api.TripViewSet, basename="api-trip")
router.register("agreements", promotion_api.AgreementViewSet, basename="api-agreement")
router.register("source-regions", promotion_api.SourceRegionViewSet, basename="api-sourceregion")
router.register("promotion-modes", promotion_api.PromotionModeViewSet, basename="api-promotionmode")
router.register("indicators", assessment_api.IndicatorViewSet, basename="api-indicator")
router.register("zone-figures", assessment_api.ZoneFigureViewSet, basename="api-zonefigure")
router.register("assessment-schemes", assessment_api.AssessmentSchemeViewSet, basename="api-assessmentscheme")
router.register("assessment-items", assessment_api.SchemeItemViewSet, basename="api-schemeitem")
router.register("assessment-adjustments", assessment_api.SchemeAdjustmentViewSet, basename="api-schemeadjustment")
router.register("assessment-runs", assessment_api.AssessmentRunViewSet, basename="api-assessmentrun")
router.register("assessment-cases", assessment_api.RunCaseViewSet, basename="api-runcase")
router.register("land-standards", land_api.IndicatorStandardViewSet, basename="api-indicatorstandard")
router.register("land-reserves", land_api.LandReserveViewSet, basename="api-landreserve")
router.register("parcels", land_api.LandParcelViewSet, basename="api-landparcel")
router.register("parcel-commitments", land_api.ParcelCommitmentViewSet, basename="api-parcelcommitment")

registry_urls = []
for resource in (
    CityResource,
    ZoneResource,
    ParkResource,
    IndustryChainResource,
    EnterpriseResource,
    project_resources.ProjectResource,
    project_resources.SuspensionResource,
    project_resources.AnnualPlanResource,
    project_resources.MonthlyReportResource,
    project_resources.ProblemResource,
    project_resources.CampaignResource,
    project_resources.CampaignEntryResource,
    project_resources.DispatchMeetingResource,
    approval_resources.ProcedureResource,
    approval_resources.PauseResource,
    approval_resources.ProcedureTypeResource,
    approval_resources.CalendarYearResource,
    approval_resources.HolidayResource,
    approval_resources.CommitmentResource,
    approval_resources.BundleResource,
    approval_resources.ServiceLogResource,
    promotion_resources.LeadResource,
    promotion_resources.FollowUpResource,
    promotion_resources.TripResource,
    promotion_resources.AgreementResource,
    promotion_resources.SourceRegionResource,
    promotion_resources.PromotionModeResource,
    assessment_resources.IndicatorResource,
    assessment_resources.ZoneFigureResource,
    assessment_resources.AssessmentSchemeResource,
    assessment_resources.SchemeItemResource,
    assessment_resources.SchemeAdjustmentResource,
    assessment_resources.AssessmentRunResource,
    assessment_resources.RunCaseResource,
    land_resources.IndicatorStandardResource,
    land_resources.LandReserveResource,
    land_resources.LandParcelResource,
    land_resources.ParcelCommitmentResource,
    BulletinResource,
):
    registry_urls += resource.urls()

urlpatterns = [
    path("", home, name="home"),
    path("records/", records, name="records"),
    path("progress/", public_progress, name="public_progress"),
    path("dashboard/", dashboard_page, name="dashboard"),
    path("dashboard/warning/", dashboard_warning, name="dashboard_warning"),
    path("checks/", figure_check_page, name="figure_check"),
    path("checks/<int:pk>/", figure_check_detail, name="figure_check_detail"),
    path("accounts/", include("kaifaqu.accounts.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/rates/", project_api.rates_api, name="api-rates"),
    path("api/promotion/funnel/", promotion_api.funnel_api, name="api-funnel"),
    path("api/approvals/clocks/", approval_api.clocks_api, name="api-clocks"),
    path("api/indicators/overview/", assessment_api.overview_api, name="api-indicator-overview"),
    path("api/", include(router.urls)),
    path("api/auth/token/", obtain_auth_token, name="api-token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    *registry_urls,
]
