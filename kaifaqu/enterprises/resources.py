from django.utils.translation import gettext_lazy as _

from kaifaqu.core.views import Col, Related, Resource

from . import filters, forms, sheets
from .models import Enterprise


class EnterpriseResource(Resource):
    model = Enterprise
    url_prefix = "enterprises"
    filterset_class = filters.EnterpriseFilterSet
    form_class = forms.EnterpriseForm
    sheet_class = sheets.EnterpriseSheet
    list_columns = [
        Col("name", link=True),
        Col("credit_code"),
        Col("zones", sort=""),
        Col("industry"),
        Col("is_above_scale"),
        Col("is_high_tech"),
        Col("srdi_tier"),
        Col("is_listed"),
    ]
    list_prefetch_related = ("zones",)
    detail_fields = (
        "name",
        "credit_code",
        "industry",
        "is_above_scale",
        "is_high_tech",
        "srdi_tier",
        "is_listed",
        "stock_code",
        "legal_representative",
        "contact_person",
        "contact_phone",
        "address",
        "source",
    )
    related = [Related(_("所在开发区"), "zones", ("name", "city"))]
