"""Citizen satisfaction surveys modelled on SIPAS (docs/domain/sipas.md).

A Questionnaire is versioned (code + version) and frozen once published; its Sections (the four
SIPAS parts) hold Questions, each a rating on the questionnaire's scale, a single or multiple
choice among its Options, or a short text. A rating question of the service-delivery section
maps to one of the five SIPAS elements, and the questionnaire says from which scale point an
answer counts as satisfied.

A Campaign runs one published questionnaire over a period in several units. Each CampaignUnit
records N (transactions in the period), the required sample n = ⌈N / (1 + N·e²)⌉ and the token
of its public link.

One record's flow: a respondent (on the public form, through an interviewer or on a paper form
typed in later) submits a Response to a CampaignUnit. It is validated against the questionnaire
and stored whole in one transaction: one Answer per answered question (a rating value or a
text), one AnswerOption per chosen option, and on the Response itself the number of answered
and satisfied ratings per element (the tallies the results add up; answers never change after
recording, so these never go stale). It arrives as "received", or "flagged" with a reason when
an abuse check fired; a reviewer accepts or rejects it (a rejection needs a reason). Only
accepted responses count in results, distributions and the index. The client is known only by
a salted hash of its address, never the address itself, and the salt belongs to the campaign.
"""

import hashlib
import hmac
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


def _in_vietnamese() -> bool:
    return (translation.get_language() or "vi").startswith("vi")


class Element(models.TextChoices):
    """The five elements of service delivery measured by SIPAS."""

    ACCESS = "access", _("Access to the service")
    PROCEDURES = "procedures", _("Administrative procedures")
    CIVIL_SERVANTS = "civil_servants", _("Civil servants handling the case")
    RESULTS = "results", _("Results of the service")
    FEEDBACK = "feedback", _("Handling of feedback and petitions")


ELEMENTS: list[str] = [str(value) for value in Element.values]

DEFAULT_LABELS_VI = [
    "Rất không hài lòng",
    "Không hài lòng",
    "Bình thường",
    "Hài lòng",
    "Rất hài lòng",
]
DEFAULT_LABELS_EN = ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"]
MAX_SCALE_POINTS = 11
TEXT_LIMIT = 1000


def default_labels_vi() -> list[str]:
    return list(DEFAULT_LABELS_VI)


def default_labels_en() -> list[str]:
    return list(DEFAULT_LABELS_EN)


def new_token() -> str:
    return secrets.token_urlsafe(16)


# The receipt codes' letters: no 0/O, 1/I/L to misread when a citizen copies the code down.
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_receipt() -> str:
    """A survey response's receipt code, "PKS-" and 8 random letters (31^8 ≈ 8.5 × 10^11): not
    guessable, short enough to write down."""
    return "PKS-" + "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))


class Questionnaire(models.Model):
    """One version of a questionnaire. A published version never changes: a change is a new
    draft version (actions.new_version), and every campaign keeps the version it ran."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"), default=1)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_template = models.BooleanField(
        _("a template to adapt"),
        default=False,
        help_text=_("A model questionnaire: copy it as a new version and adapt it."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    scale_points = models.PositiveSmallIntegerField(_("points on the rating scale"), default=5)
    scale_labels_vi = models.JSONField(
        _("scale labels (Vietnamese)"), default=default_labels_vi, blank=True
    )
    scale_labels_en = models.JSONField(
        _("scale labels (English)"), default=default_labels_en, blank=True
    )
    satisfied_from = models.PositiveSmallIntegerField(
        _("satisfied from"),
        default=4,
        help_text=_("The lowest point of the scale counted as satisfied."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="surveys_one_version"),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="surveys_questionnaire_version_positive"
            ),
            models.CheckConstraint(
                condition=Q(scale_points__gte=2, scale_points__lte=MAX_SCALE_POINTS),
                name="surveys_questionnaire_scale_points",
            ),
            models.CheckConstraint(
                condition=Q(satisfied_from__gte=1, satisfied_from__lte=F("scale_points")),
                name="surveys_questionnaire_satisfied_on_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def title(self) -> str:
        return self.title_vi if _in_vietnamese() or not self.title_en else self.title_en

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def scale(self) -> list[tuple[int, str]]:
        """The scale's points (1 … scale_points) with their labels in the current language."""
        labels = self.scale_labels_vi if _in_vietnamese() else self.scale_labels_en
        labels = labels or self.scale_labels_vi or []
        return [
            (point, labels[point - 1] if point <= len(labels) else str(point))
            for point in range(1, self.scale_points + 1)
        ]

    def is_satisfied(self, rating: int) -> bool:
        return rating >= self.satisfied_from


class Section(models.Model):
    """One of the parts of a questionnaire."""

    class Kind(models.TextChoices):
        PERCEPTIONS = "perceptions", _("Perceptions and assessments")
        POLICY = "policy", _("Satisfaction with policy")
        SERVICE = "service", _("Satisfaction with service delivery")
        NEEDS = "needs", _("Needs and expectations")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="sections"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["questionnaire", "order", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.title_vi if _in_vietnamese() or not self.title_en else self.title_en


class Question(models.Model):
    """A question of a section. `code` (e.g. "D4") names it in forms, imports and exports."""

    class Type(models.TextChoices):
        RATING = "rating", _("Rating scale")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TEXT = "text", _("Short text")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(_("code"), max_length=20)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices)
    text_vi = models.TextField(_("question (Vietnamese)"))
    text_en = models.TextField(_("question (English)"), blank=True)
    element = models.CharField(
        _("element"),
        max_length=16,
        choices=Element.choices,
        blank=True,
        default="",
        help_text=_("The service-delivery element a rating question measures."),
    )
    required = models.BooleanField(_("required"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "section__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="surveys_question_code"),
            models.CheckConstraint(
                condition=Q(element="") | Q(type="rating"),
                name="surveys_element_question_is_rating",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.text}"

    @property
    def text(self) -> str:
        return self.text_vi if _in_vietnamese() or not self.text_en else self.text_en

    @property
    def has_options(self) -> bool:
        return self.type in (self.Type.SINGLE, self.Type.MULTIPLE)


class Option(models.Model):
    """A choice of a single- or multiple-choice question. `value` is its code on paper forms."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    value = models.CharField(_("value"), max_length=20)
    label_vi = models.CharField(_("label (Vietnamese)"), max_length=300)
    label_en = models.CharField(_("label (English)"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["question", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "value"], name="surveys_option_value")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_vi if _in_vietnamese() or not self.label_en else self.label_en


class Campaign(models.Model):
    """A survey of some units over a period with one published questionnaire."""

    class Status(models.TextChoices):
        OPEN = "open", _("Collecting responses")
        CLOSED = "closed", _("Closed to responses")

    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    title = models.CharField(_("title"), max_length=300)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    margin = models.DecimalField(
        _("margin of error"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.05"),
        help_text=_("e in n = N / (1 + N·e²), e.g. 0.05."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    # Salts the clients' address hashes: a hash means nothing outside its campaign.
    salt = models.CharField(max_length=32, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        ordering = ["-period_start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="surveys_campaign_period"
            ),
            models.CheckConstraint(
                condition=Q(margin__gt=0, margin__lt=1), name="surveys_campaign_margin"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y})"

    @property
    def has_ended(self) -> bool:
        """Whether the period is over: the site's today is after `period_end`."""
        return timezone.localdate() > self.period_end

    @property
    def status_label(self) -> str:
        """The status as shown: an open campaign whose period is over says so."""
        if self.status == self.Status.OPEN and self.has_ended:
            return str(_("Period over, not yet closed"))
        return self.get_status_display()

    def online_refusal(self) -> str:
        """Why the public form and API refuse answers now ("" when they take them): a closed
        campaign, or a period that is over. Interviews and paper forms of the period may still
        be entered until the campaign is closed."""
        if self.status != self.Status.OPEN:
            return str(_("This survey is closed: it no longer accepts responses."))
        if self.has_ended:
            return str(
                _("This survey ended on %(date)s: it no longer accepts responses.")
                % {"date": self.period_end.strftime("%d/%m/%Y")}
            )
        return ""

    def hash_client(self, address: str) -> str:
        """The salted SHA-256 (HMAC) of a client's address: the only trace of it stored. Keyed
        with CCHC_HASH_KEY, not the secret key, so that rotating the secret key keeps finding
        duplicates in open campaigns."""
        key = f"{settings.CCHC_HASH_KEY}:{self.salt}".encode()
        return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


class CampaignUnit(models.Model):
    """A unit surveyed in a campaign, with its population N and required sample n."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    transactions = models.PositiveIntegerField(
        _("transactions in the period"), help_text=_("N: the population the sample is drawn from.")
    )
    required = models.PositiveIntegerField(_("required sample"))
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)

    class Meta:
        verbose_name = _("surveyed unit")
        verbose_name_plural = _("surveyed units")
        ordering = ["campaign", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="surveys_one_campaign_unit"),
            models.CheckConstraint(
                condition=Q(transactions__gte=1), name="surveys_campaign_unit_population"
            ),
            models.CheckConstraint(
                condition=Q(required__lte=F("transactions")),
                name="surveys_sample_within_population",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.title} · {self.unit}"


class ResponseQuerySet(models.QuerySet["Response"]):
    def accepted(self) -> "ResponseQuerySet":
        return self.filter(status=Response.Status.ACCEPTED)

    def pending(self) -> "ResponseQuerySet":
        """Waiting for a reviewer: received or flagged."""
        return self.filter(status__in=[Response.Status.RECEIVED, Response.Status.FLAGGED])


# The Response tally fields, answered then satisfied per element.
TALLY_FIELDS = [f"{element}_{kind}" for element in ELEMENTS for kind in ("answered", "satisfied")]


def _tally_constraints() -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(**{f"{element}_satisfied__lte": F(f"{element}_answered")}),
            name=f"surveys_{element}_satisfied_within_answered",
        )
        for element in ELEMENTS
    ]


class Response(models.Model):
    """One respondent's answers to a campaign in a unit. See the module docstring."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        FLAGGED = "flagged", _("Flagged")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    class Channel(models.TextChoices):
        WEB = "web", _("Public form")
        INTERVIEWER = "interviewer", _("Interviewer")
        PAPER = "paper", _("Paper form")

    campaign_unit = models.ForeignKey(
        CampaignUnit, on_delete=models.PROTECT, related_name="responses"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    client_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # SHA-256 of the answers: the same answers twice in a unit hint at a duplicate.
    answers_hash = models.CharField(max_length=64, blank=True)
    flag_reason = models.CharField(_("reason for the flag"), max_length=300, blank=True)
    review_reason = models.TextField(_("reason of the decision"), blank=True)
    contact = models.CharField(
        _("contact"),
        max_length=200,
        blank=True,
        help_text=_("Only when the respondent chooses to give it."),
    )
    # The consent under which the contact is stored (cchc/core/privacy.py).
    contact_consent_version = models.CharField(
        _("consent wording version"), max_length=20, blank=True
    )
    contact_consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    # When the contact and the free-text answers were erased (retention job or request).
    anonymised_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)
    # A response that keeps a contact gets a random receipt code shown on the thanks page: with
    # the contact (or a one-time code sent to it) it proves control on the public "my data"
    # page (cchc/privacy). Empty when no contact was given.
    receipt = models.CharField(_("receipt code"), max_length=16, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    # Per element: ratings answered and ratings satisfied (results add these up in SQL).
    access_answered = models.PositiveSmallIntegerField(default=0)
    access_satisfied = models.PositiveSmallIntegerField(default=0)
    procedures_answered = models.PositiveSmallIntegerField(default=0)
    procedures_satisfied = models.PositiveSmallIntegerField(default=0)
    civil_servants_answered = models.PositiveSmallIntegerField(default=0)
    civil_servants_satisfied = models.PositiveSmallIntegerField(default=0)
    results_answered = models.PositiveSmallIntegerField(default=0)
    results_satisfied = models.PositiveSmallIntegerField(default=0)
    feedback_answered = models.PositiveSmallIntegerField(default=0)
    feedback_satisfied = models.PositiveSmallIntegerField(default=0)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The status and the tallies as key columns too: the results per unit read this
            # index alone (SQLite has no INCLUDE).
            models.Index(
                fields=["campaign_unit", "status", *TALLY_FIELDS],
                name="surveys_response_unit_status",
            ),
            models.Index(fields=["campaign_unit", "answers_hash"], name="surveys_response_dupes"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["receipt"], condition=~Q(receipt=""), name="surveys_response_receipt"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(review_reason=""),
                name="surveys_rejection_has_reason",
            ),
            *_tally_constraints(),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} · {self.get_status_display()}"

    def tally(self, element: str) -> tuple[int, int]:
        """(answered, satisfied) ratings of `element` in this response."""
        return getattr(self, f"{element}_answered"), getattr(self, f"{element}_satisfied")

    def set_tally(self, element: str, answered: int, satisfied: int) -> None:
        setattr(self, f"{element}_answered", answered)
        setattr(self, f"{element}_satisfied", satisfied)


class Answer(models.Model):
    """The answer to one question: a rating value, a text, or (for choices) AnswerOption rows."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    rating = models.PositiveSmallIntegerField(_("rating value"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="surveys_one_answer"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1),
                name="surveys_rating_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.code}: {self.rating or self.text}"


class AnswerOption(models.Model):
    """One chosen option of an answer: a multiple choice of A and C is two rows, so that
    distributions count per option, never per combination."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(Option, on_delete=models.PROTECT, related_name="choices")

    class Meta:
        verbose_name = _("chosen option")
        verbose_name_plural = _("chosen options")
        constraints = [
            models.UniqueConstraint(fields=["answer", "option"], name="surveys_option_once")
        ]

    def __str__(self) -> str:
        return str(self.option)


class AnswerCount(models.Model):
    """How many accepted responses of a surveyed unit answered a question (key "answers"),
    gave it a rating point ("rating:4") or chose one of its options ("option:<id>"). Kept by
    review_response as a response enters or leaves "accepted" (an answer never changes once
    recorded), so a campaign's distributions read a few thousand rows instead of every answer —
    the same reasoning as the tallies on Response."""

    campaign_unit = models.ForeignKey(CampaignUnit, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=24)
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("answer count")
        verbose_name_plural = _("answer counts")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign_unit", "question", "key"], name="surveys_answer_count_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id} {self.key}: {self.count}"


def tally_fields() -> list[str]:
    """The names of the Response tally fields, answered then satisfied per element."""
    return list(TALLY_FIELDS)
