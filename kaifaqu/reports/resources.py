from django.urls import path

from kaifaqu.core.excel import SheetColumn as C
from kaifaqu.core.excel import SheetSpec
from kaifaqu.core.fields import month_label
from kaifaqu.core.filters import SearchFilterSet
from kaifaqu.core.views import Col, Resource
from kaifaqu.lib import figures

from .forms import BulletinForm
from .models import Bulletin


class BulletinFilterSet(SearchFilterSet):
    search_fields = ("city__name",)

    class Meta:
        model = Bulletin
        fields = ["q", "level", "status"]


class BulletinSheet(SheetSpec):
    model = Bulletin
    key = ("month", "level", "city")
    importable = False
    columns = [C("month"), C("level"), C("city"), C("status")]


class BulletinResource(Resource):
    model = Bulletin
    url_prefix = "bulletins"
    filterset_class = BulletinFilterSet
    form_class = BulletinForm
    sheet_class = BulletinSheet
    detail_template = "reports/bulletin_detail.html"
    list_columns = [
        Col("month", render=lambda b: month_label(b.month), link=True),
        Col("level"),
        Col("city"),
        Col("status"),
        Col("published_at"),
    ]
    list_select_related = ("city",)

    @classmethod
    def extra_urls(cls):
        from . import views

        return [
            path("bulletins/<int:pk>/publish/", views.publish, name="bulletin_publish"),
            path("bulletins/<int:pk>/export/", views.export, name="bulletin_export"),
            path("jobs/", views.job_list, name="job_list"),
            path("jobs/<int:pk>/", views.job_page, name="job_detail"),
            path("jobs/<int:pk>/download/<str:fmt>/", views.job_download, name="job_download"),
        ]

    @classmethod
    def detail_context(cls, obj, request):
        from .bulletin import build, content_of, corrections_since

        frozen = obj.content is not None
        # A draft may be read as the ledgers stood at its month's end (from the change history).
        recorded = not frozen and request.GET.get("recorded") == "1"
        content = build(obj, recorded=True) if recorded else content_of(obj)
        ctx = {"c": content, "frozen": frozen, "recorded": recorded, "since": corrections_since(obj)}
        if not frozen:  # before publishing: every rate of the text checked against the figures it is quoted with
            document = content.get("document") or {}
            text = "\n".join(
                t for t in (content.get("summary"), document.get("problems"), document.get("next_steps")) if t
            )
            ctx["text_checks"] = [c for c in figures.internal_checks(figures.find(text)) if c.status != "not_checkable"]
        return ctx
