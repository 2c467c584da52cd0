"""Meetings and what happens at them: agendas, papers, attendance, minutes, extraordinary-session requests,
joint decisions and the implementation issues members raise about them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.models import Body, Member
from cooperation.models import CooperationArea
from nrc.choices import ChoiceDisplayMixin


class Venue(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")

    def __str__(self) -> str:
        return self.name


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("Regular")
    EXTRAORDINARY = "extraordinary", _("Extraordinary")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class MeetingSeries(models.Model):
    """A recurring series of meetings defined by an RFC 5545 recurrence rule."""

    body = models.ForeignKey(Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="series")
    title = models.CharField(_("title"), max_length=200)
    rrule = models.TextField(_("recurrence rule (RFC 5545)"))
    first_starts_at = models.DateTimeField(_("first occurrence starts"))
    duration = models.DurationField(_("duration"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Brussels")
    venue = models.ForeignKey(Venue, verbose_name=_("venue"), null=True, blank=True, on_delete=models.PROTECT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-first_starts_at"]
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")

    def __str__(self) -> str:
        return self.title


class MeetingQuerySet(models.QuerySet):
    def qualifying_q(self, prefix: str = "") -> Q:
        """A meeting that counts for cadence: regular or extraordinary, not cancelled."""
        return ~Q(**{f"{prefix}status": MeetingStatus.CANCELLED})

    def qualifying(self) -> MeetingQuerySet:
        return self.filter(self.qualifying_q())

    def upcoming_q(self, now: dt.datetime | None = None) -> Q:
        return Q(starts_at__gte=now or timezone.now(), status=MeetingStatus.SCHEDULED)

    def upcoming(self, now: dt.datetime | None = None) -> MeetingQuerySet:
        return self.filter(self.upcoming_q(now)).order_by("starts_at")

    def between(self, start: dt.datetime, end: dt.datetime) -> MeetingQuerySet:
        return self.filter(starts_at__lt=end, ends_at__gt=start)


class Meeting(ChoiceDisplayMixin, models.Model):
    """One sitting of one body. Times are stored in UTC and shown in the user's zone."""

    body = models.ForeignKey(Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="meetings")
    series = models.ForeignKey(
        MeetingSeries,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MeetingKind.choices, default=MeetingKind.REGULAR)
    status = models.CharField(
        _("status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue = models.ForeignKey(
        Venue, verbose_name=_("venue"), null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    chair = models.CharField(_("chair"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    cancellation_reason = models.TextField(_("reason for cancellation"), blank=True)
    sequence = models.PositiveIntegerField(
        _("revision"), default=0, help_text=_("iCalendar SEQUENCE: raised on every change.")
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["body", "starts_at"]),
            models.Index(fields=["starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.body.code} {self.title}"


class MeetingSlotChange(models.Model):
    """A reschedule: the original slot and the reason are kept."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="slot_changes")
    previous_starts_at = models.DateTimeField(_("previous start"))
    previous_ends_at = models.DateTimeField(_("previous end"))
    previous_venue = models.ForeignKey(Venue, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    new_starts_at = models.DateTimeField(_("new start"))
    new_ends_at = models.DateTimeField(_("new end"))
    new_venue = models.ForeignKey(Venue, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        ordering = ["meeting", "changed_at"]
        verbose_name = _("reschedule")
        verbose_name_plural = _("reschedules")

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.previous_starts_at:%Y-%m-%d %H:%M} → {self.new_starts_at:%Y-%m-%d %H:%M}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    area = models.ForeignKey(
        CooperationArea,
        verbose_name=_("co-operation area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    implementation_issue = models.ForeignKey(
        "meetings.ImplementationIssue",
        verbose_name=_("implementation issue"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_items",
    )

    class Meta:
        ordering = ["meeting", "position"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [models.UniqueConstraint(fields=["meeting", "position"], name="agenda_item_unique_position")]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Classification(models.TextChoices):
    UNCLASSIFIED = "NATO UNCLASSIFIED", _("NATO UNCLASSIFIED")
    RESTRICTED = "NATO RESTRICTED", _("NATO RESTRICTED")
    CONFIDENTIAL = "NATO CONFIDENTIAL", _("NATO CONFIDENTIAL")
    SECRET = "NATO SECRET", _("NATO SECRET")
    COSMIC_TOP_SECRET = "COSMIC TOP SECRET", _("COSMIC TOP SECRET")


class PaperLanguage(models.TextChoices):
    EN = "en", _("English")
    FR = "fr", _("French")
    RU = "ru", _("Russian")


def paper_upload_to(instance: Paper, filename: str) -> str:
    return f"papers/{instance.year}/{instance.body_id}/{filename}"


class Paper(models.Model):
    """A document attached to a meeting (or to an extraordinary-session request)."""

    body = models.ForeignKey(Body, verbose_name=_("issuing body"), on_delete=models.PROTECT, related_name="papers")
    year = models.PositiveSmallIntegerField(_("year"))
    reference = models.CharField(_("reference"), max_length=64, help_text=_("For example NRC(PC)D(2027)0001."))
    title = models.CharField(_("title"), max_length=300)
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="papers")
    session_request = models.ForeignKey(
        "meetings.SessionRequest", null=True, blank=True, on_delete=models.CASCADE, related_name="papers"
    )
    file = models.FileField(_("file"), upload_to=paper_upload_to)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    classification = models.CharField(
        _("classification"), max_length=32, choices=Classification.choices, default=Classification.UNCLASSIFIED
    )
    language = models.CharField(_("language"), max_length=2, choices=PaperLanguage.choices, default=PaperLanguage.EN)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["-year", "reference"]
        verbose_name = _("paper")
        verbose_name_plural = _("papers")
        constraints = [
            models.UniqueConstraint(fields=["body", "year", "reference"], name="paper_reference_unique_per_body_year"),
        ]

    def __str__(self) -> str:
        return self.reference


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(_("status"), max_length=16, choices=AttendanceStatus.choices)
    representative = models.CharField(_("represented by"), max_length=200, blank=True)
    representation_level = models.CharField(_("at the level of"), max_length=120, blank=True)

    class Meta:
        ordering = ["meeting", "member__name_en"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_one_per_member")]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.member_id}: {self.status}"


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class Minutes(models.Model):
    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    text = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=16, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(_("drafted"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return f"{self.meeting_id} ({self.status})"


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    URGENT = "urgent", _("Urgent")
    IMMEDIATE = "immediate", _("Immediate")


class SessionRequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    CONVENED = "convened", _("Convened")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SessionRequest(ChoiceDisplayMixin, models.Model):
    """A request for an extraordinary session, by a member or by the NATO Secretary General."""

    body = models.ForeignKey(Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="session_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="session_requests"
    )
    on_behalf_of = models.ForeignKey(
        Member,
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="session_requests",
        help_text=_("Empty when the Secretary General requests the session."),
    )
    grounds = models.TextField(_("grounds"))
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.ROUTINE)
    status = models.CharField(
        _("status"), max_length=16, choices=SessionRequestStatus.choices, default=SessionRequestStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(_("reasons"), blank=True)
    meeting = models.OneToOneField(
        Meeting,
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="session_request",
    )

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("extraordinary session request")
        verbose_name_plural = _("extraordinary session requests")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="convened") | Q(meeting__isnull=False), name="session_request_convened_has_meeting"
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decision_reason=""), name="session_request_declined_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body.code} #{self.pk}"


class ProposedSlot(models.Model):
    """A date or window proposed by the requester."""

    request = models.ForeignKey(SessionRequest, on_delete=models.CASCADE, related_name="proposed_slots")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))

    class Meta:
        ordering = ["request", "starts_at"]
        verbose_name = _("proposed date")
        verbose_name_plural = _("proposed dates")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="proposed_slot_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} – {self.ends_at:%Y-%m-%d %H:%M}"


class SessionRequestTransition(models.Model):
    request = models.ForeignKey(SessionRequest, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["request", "at", "id"]
        verbose_name = _("request transition")
        verbose_name_plural = _("request transitions")

    def __str__(self) -> str:
        return f"{self.request_id}: {self.from_status} → {self.to_status}"


class DecisionMethod(models.TextChoices):
    CONSENSUS = "consensus", _("Consensus")
    SILENCE = "silence", _("Silence procedure")


class DecisionStatus(models.TextChoices):
    CIRCULATED = "circulated", _("Under silence procedure")
    ADOPTED = "adopted", _("Adopted")
    SILENCE_BROKEN = "silence_broken", _("Silence broken")


class JointDecision(ChoiceDisplayMixin, models.Model):
    """A decision of the Council, taken at a meeting by consensus or by silence procedure."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="decisions")
    reference = models.CharField(_("reference"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"))
    areas = models.ManyToManyField(
        CooperationArea, verbose_name=_("co-operation areas"), blank=True, related_name="decisions"
    )
    method = models.CharField(
        _("method"), max_length=16, choices=DecisionMethod.choices, default=DecisionMethod.CONSENSUS
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.ADOPTED
    )
    silence_deadline = models.DateTimeField(_("silence deadline"), null=True, blank=True)
    adopted_at = models.DateTimeField(_("adopted"), null=True, blank=True)
    establishes = models.ManyToManyField(
        Body, verbose_name=_("bodies established"), blank=True, related_name="established_by"
    )
    adds_areas = models.ManyToManyField(
        CooperationArea, verbose_name=_("areas added by mutual agreement"), blank=True, related_name="added_by"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("joint decision")
        verbose_name_plural = _("joint decisions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(method="silence") | Q(silence_deadline__isnull=False), name="decision_silence_has_deadline"
            ),
            models.CheckConstraint(
                condition=~Q(status="adopted") | Q(adopted_at__isnull=False), name="decision_adopted_has_time"
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class SilenceBreak(models.Model):
    decision = models.ForeignKey(JointDecision, on_delete=models.CASCADE, related_name="silence_breaks")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    statement = models.TextField(_("statement"))
    broken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    broken_at = models.DateTimeField(_("broken"), default=timezone.now)

    class Meta:
        verbose_name = _("break of silence")
        verbose_name_plural = _("breaks of silence")
        constraints = [models.UniqueConstraint(fields=["decision", "member"], name="silence_break_once_per_member")]

    def __str__(self) -> str:
        return f"{self.decision_id}: {self.member_id}"


class Reservation(models.Model):
    decision = models.ForeignKey(JointDecision, on_delete=models.CASCADE, related_name="reservations")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="reservations")
    text = models.TextField(_("reservation"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("entered"), default=timezone.now)

    class Meta:
        ordering = ["decision", "entered_at"]
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        constraints = [models.UniqueConstraint(fields=["decision", "member"], name="reservation_once_per_member")]

    def __str__(self) -> str:
        return f"{self.decision_id}: {self.member_id}"


class IssueStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UNDER_DISCUSSION = "under_discussion", _("Under discussion")
    RESOLVED = "resolved", _("Resolved")


class ImplementationIssue(models.Model):
    """An issue related to the implementation of a joint decision, raised by a member."""

    decision = models.ForeignKey(
        JointDecision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="issues"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="implementation_issues"
    )
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"))
    status = models.CharField(_("status"), max_length=20, choices=IssueStatus.choices, default=IssueStatus.OPEN)

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("implementation issue")
        verbose_name_plural = _("implementation issues")

    def __str__(self) -> str:
        return self.title


class IssueAnswer(models.Model):
    issue = models.ForeignKey(ImplementationIssue, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("answer"))
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["issue", "at"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.issue_id}: {self.text[:60]}"
