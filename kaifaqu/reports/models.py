"""Monthly bulletins (月通报), frozen when published, checked texts (数据核验) and background jobs (long exports)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.fields import MonthField, month_label
from kaifaqu.core.models import TrackedModel
from kaifaqu.core.scoping import Role, ScopePaths
from kaifaqu.zones.models import City, Zone


class BulletinLevel(models.TextChoices):
    PROVINCE = "province", _("全省")
    CITY = "city", _("地市")


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class Bulletin(TrackedModel):
    """A month's bulletin for the province (ranking cities) or a city (ranking its zones).

    ``content`` is filled when it is published and never changes afterwards: reopening it shows
    exactly what was published; later corrections are listed beside it (reports/bulletin.py).
    """

    month = MonthField(_("月份"), help_text=_("该月1日"))
    level = models.CharField(_("范围"), max_length=16, choices=BulletinLevel.choices)
    city = models.ForeignKey(
        City, verbose_name=_("地市"), null=True, blank=True, on_delete=models.PROTECT, related_name="bulletins"
    )
    status = models.CharField(_("状态"), max_length=16, choices=BulletinStatus.choices, default=BulletinStatus.DRAFT)
    content = models.JSONField(_("发布内容"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    # The document's particulars (GB/T 9704-2012). Left empty, they are proposed when published: the next 期号 of
    # the year for this scope, the issuing office of settings.KFQ_BULLETIN_AUTHORITY, the generated 存在问题 and
    # 下步工作; publishing freezes them with the figures.
    issue_no = models.PositiveSmallIntegerField(
        _("期号"), null=True, blank=True, help_text=_("本年第几期；留空则发布时按本年顺序编号")
    )
    doc_number = models.CharField(_("发文字号"), max_length=40, blank=True, help_text=_("例如：晋开发办〔2026〕12号"))
    authority = models.CharField(
        _("发文机关"), max_length=60, blank=True, help_text=_("留空则为本级开发区建设工作领导小组办公室")
    )
    copy_to = models.CharField(_("抄送"), max_length=300, blank=True)
    problems = models.TextField(_("存在问题"), blank=True, help_text=_("留空则按本月数据生成"))
    next_steps = models.TextField(_("下步工作"), blank=True, help_text=_("留空则按本月数据生成"))

    scope_paths = ScopePaths(city="city", zone=None, enterprise=None)
    write_roles = (Role.PROVINCE, Role.CITY)
    history_exclude = ("created_at", "updated_at", "content")

    class Meta:
        verbose_name = _("月通报")
        verbose_name_plural = _("月通报")
        ordering = ["-month", "level"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(level="province") & Q(city__isnull=True)) | (Q(level="city") & Q(city__isnull=False)),
                name="bulletin_city_matches_level",
                violation_error_message=_("地市通报须选择地市，全省通报不选地市"),
            ),
            models.UniqueConstraint(
                fields=["month", "level", "city"],
                name="bulletin_unique_month_scope",
                violation_error_message=_("该月该范围的通报已存在"),
            ),
        ]

    def __str__(self):
        scope = str(self.city) if self.city_id else str(_("全省"))
        return f"{month_label(self.month)} {scope}开发区建设月通报"

    def default_authority(self) -> str:
        """The issuing office when none is entered: settings.KFQ_BULLETIN_AUTHORITY for the province, the same office
        of the city for a city's bulletin (e.g. 大同市开发区建设工作领导小组办公室)."""
        if self.city_id:
            return settings.KFQ_BULLETIN_CITY_AUTHORITY.format(city=self.city)
        return settings.KFQ_BULLETIN_AUTHORITY

    def same_series(self):
        """The bulletins numbered in one series with this one: the same year and scope."""
        return Bulletin.objects.filter(month__year=self.month.year, level=self.level, city_id=self.city_id)

    @classmethod
    def scope_q(cls, scope):
        """Bulletins are government documents: the province's are read by every city and zone, a city's by
        the city and its zones; enterprises read none (they rank other enterprises' projects)."""
        province = Q(level=BulletinLevel.PROVINCE)
        if scope.city_id:
            return province | Q(city_id=scope.city_id)
        if scope.zone_id:
            return province | Q(city__zones=scope.zone_id)
        return None

    @classmethod
    def write_q(cls, scope):
        """A city compiles and publishes its own bulletins only; the province's are the province's."""
        return Q(city_id=scope.city_id)


class FigureCheck(TrackedModel):
    """A text checked by 数据核验 (a zone's report, a news article, a draft bulletin), kept with its verdicts as they
    were given on ``checked_on``: the ledgers change later, the record of what was found does not.

    It belongs to its author's unit (``city``/``zone``: a zone user's checks are seen in the zone, its city and
    the province; a province user's by the province only); ``checked_zone`` is the zone the text was matched to.
    Written by :func:`kaifaqu.reports.checker.save`, the one write path."""

    title = models.CharField(_("标题"), max_length=60, blank=True, help_text=_("留空则取正文开头"))
    text = models.TextField(_("待核验的文字"))
    checked_on = models.DateField(_("核验日期"), default=timezone.localdate)
    city = models.ForeignKey(
        City, verbose_name=_("地市"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    zone = models.ForeignKey(
        Zone, verbose_name=_("开发区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_zone = models.ForeignKey(
        Zone,
        verbose_name=_("核对的开发区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="figure_checks",
    )
    zone_note = models.CharField(_("说明"), max_length=200, blank=True)
    verdicts = models.JSONField(_("核验结果"), default=list, editable=False)
    counts = models.JSONField(_("各类结果数"), default=dict, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核验人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    scope_paths = ScopePaths(city="city", zone="zone", enterprise=None)
    write_roles = (Role.PROVINCE, Role.CITY, Role.ZONE)
    history_exclude = ("created_at", "updated_at", "verdicts")
    created_by_field = "created_by"

    class Meta:
        verbose_name = _("数据核验记录")
        verbose_name_plural = _("数据核验记录")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title or self.text[:30]


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class Job(models.Model):
    """A long task run by the worker (manage.py run_jobs): queued, running with progress, done or failed.

    Its state is in the database, so a job interrupted by a restart is picked up again; a job whose
    worker died while running it is retried once and then failed (reports/jobs.py).
    """

    kind = models.CharField(_("类型"), max_length=32)
    params = models.JSONField(_("参数"), default=dict)
    status = models.CharField(_("状态"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    result = models.JSONField(_("结果文件"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.CASCADE, related_name="jobs"
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(
        _("运行次数"), default=0, help_text=_("每次后台进程开始运行此任务时加一")
    )

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="job_queue_idx")]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def is_stale(self) -> bool:
        """Running, but its worker has not written a heartbeat for KFQ_JOB_STALE_SECONDS: it stopped."""
        if self.status != JobStatus.RUNNING:
            return False
        limit = timezone.now() - timedelta(seconds=settings.KFQ_JOB_STALE_SECONDS)
        return self.heartbeat is None or self.heartbeat < limit

    @property
    def state_label(self) -> str:
        """The state a user reads: a job put back after its worker died is waiting for a retry, and a
        running job whose worker stopped answering is not said to be running."""
        if self.status == JobStatus.QUEUED and self.attempts:
            return _("等待重试")
        if self.is_stale:
            return _("无响应")
        return self.get_status_display()

    @property
    def polling(self) -> bool:
        """The job page refreshes itself until the job is done or failed."""
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)
