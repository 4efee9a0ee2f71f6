from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.forms import ScopedModelForm
from kaifaqu.core.scoping import Role, scope_for

from .models import Bulletin


class BulletinForm(ScopedModelForm):
    class Meta:
        model = Bulletin
        fields = ["month", "level", "city"]

    def clean_month(self):
        month = self.cleaned_data["month"].replace(day=1)
        if month > timezone.localdate().replace(day=1):
            raise ValidationError(_("不能为未来月份出通报"))
        return month

    def clean(self):
        data = super().clean()
        if scope_for(self.user).role == Role.CITY and data.get("level") == "province":
            self.add_error("level", _("市级用户只能编制本市的通报"))
        return data
