from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.forms import ScopedModelForm
from kaifaqu.core.scoping import Role, scope_for

from .models import Bulletin, BulletinStatus

DOCUMENT_FIELDS = ["issue_no", "doc_number", "authority", "copy_to"]
TEXT_FIELDS = ["problems", "next_steps"]


class BulletinForm(ScopedModelForm):
    """A draft bulletin: its month and scope, the document's particulars and, once it exists, the 存在问题 and
    下步工作 text, shown as generated from the month's figures until the compiler writes their own."""

    class Meta:
        model = Bulletin
        fields = ["month", "level", "city", *DOCUMENT_FIELDS, *TEXT_FIELDS]
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in TEXT_FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            for name in TEXT_FIELDS:  # generated from the figures: there are none before the bulletin exists
                del self.fields[name]
            return
        from .bulletin import build

        document = build(self.instance)["document"]
        for name in TEXT_FIELDS:
            self.fields[name].widget.attrs["placeholder"] = document[name]
        self.fields["authority"].widget.attrs["placeholder"] = document["authority"]
        self.fields["copy_to"].widget.attrs["placeholder"] = document["copy_to"]

    def clean_month(self):
        month = self.cleaned_data["month"].replace(day=1)
        if month > timezone.localdate().replace(day=1):
            raise ValidationError(_("不能为未来月份出通报"))
        return month

    def clean(self):
        data = super().clean()
        if self.instance.pk and self.instance.status == BulletinStatus.PUBLISHED:
            raise ValidationError(_("通报已发布，内容已冻结，不能修改"))
        if scope_for(self.user).role == Role.CITY and data.get("level") == "province":
            self.add_error("level", _("市级用户只能编制本市的通报"))
        issue_no, month = data.get("issue_no"), data.get("month")
        if issue_no and month and "level" in data:
            probe = Bulletin(pk=self.instance.pk, month=month, level=data["level"], city=data.get("city"))
            if probe.same_series().exclude(pk=self.instance.pk).filter(issue_no=issue_no).exists():
                self.add_error("issue_no", _("期号：本年已有第%(n)s期通报") % {"n": issue_no})
        return data
