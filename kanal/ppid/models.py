"""PPID tables: information requests, written notices, objections, disputes, DIP and DIK.

Personal data (identity number, address, contacts, KTP images) lives on
``InformationRequest``/``Objection`` and ``RequestAttachment``; only staff whose scope
has ``Capability.PPID`` may read it (``queries.access_request``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kanal.core.models import TimeStampedModel
from kanal.directory.models import Unit


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    WALK_IN = "walk_in", _("In person (oral)")
    PHONE = "phone", _("Telephone (oral)")
    COMPLAINT = "complaint", _("Forwarded from a complaint")


class RequesterKind(models.TextChoices):
    PERSON = "person", _("Individual")
    LEGAL_ENTITY = "legal_entity", _("Legal entity")


class AccessMethod(models.TextChoices):
    # Formulir permintaan informasi: "cara memperoleh informasi"
    INSPECT = "inspect", _("See, read, listen to or take notes")
    COPY = "copy", _("Get a copy (printed or digital)")


class DeliveryMethod(models.TextChoices):
    # Formulir permintaan informasi: "cara mendapatkan salinan"
    PICK_UP = "pick_up", _("Pick up in person")
    POST = "post", _("Post")
    COURIER = "courier", _("Courier")
    EMAIL = "email", _("E-mail")
    FAX = "fax", _("Fax")


class RequestState(models.TextChoices):
    INCOMPLETE = "incomplete", _("Waiting for identity details")
    IN_PROGRESS = "in_progress", _("Being processed")
    EXTENDED = "extended", _("Extended")
    ANSWERED = "answered", _("Written notice sent")


class Outcome(models.TextChoices):
    # UU 14/2008 Pasal 22(7)
    GRANTED = "granted", _("Granted in full")
    PARTLY_GRANTED = "partly_granted", _("Partly granted")
    REJECTED = "rejected", _("Rejected")
    NOT_HELD = "not_held", _("Not held by this body")
    NOT_DOCUMENTED = "not_documented", _("Not yet documented")


class ExemptionGround(models.TextChoices):
    # UU 14/2008 Pasal 17
    A = "a", _("a. would hinder law enforcement")
    B = "b", _("b. would harm intellectual property or fair competition")
    C = "c", _("c. would endanger defence and state security")
    D = "d", _("d. would reveal Indonesia's natural wealth")
    E = "e", _("e. would harm national economic resilience")
    F = "f", _("f. would harm foreign relations")
    G = "g", _("g. contents of private authentic deeds or wills")
    H = "h", _("h. would reveal personal secrets")
    I = "i", _("i. inter- or intra-agency memoranda secret by nature")  # noqa: E741
    J = "j", _("j. not to be disclosed under an Undang-Undang")


class ObjectionGround(models.TextChoices):
    # UU 14/2008 Pasal 35(1)
    A = "a", _("a. the request was refused on a Pasal 17 exemption")
    B = "b", _("b. periodic information (Pasal 9) was not provided")
    C = "c", _("c. the request was not answered")
    D = "d", _("d. the request was answered not as asked")
    E = "e", _("e. the request was not fulfilled")
    F = "f", _("f. unreasonable costs were charged")
    G = "g", _("g. information was delivered later than the law allows")


class ObjectionState(models.TextChoices):
    FILED = "filed", _("Filed, waiting for the answer")
    ANSWERED = "answered", _("Answered")


class ObjectionDecision(models.TextChoices):
    GRANTED = "granted", _("Objection granted (the PPID must provide or correct)")
    PARTLY_GRANTED = "partly_granted", _("Objection partly granted")
    UPHELD = "upheld", _("PPID decision upheld (objection refused)")


class DisputeOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    MEDIATED = "mediated", _("Settled by mediation")
    GRANTED = "granted", _("Decided for the requester")
    PARTLY_GRANTED = "partly_granted", _("Decided partly for the requester")
    REJECTED = "rejected", _("Decided for the public body")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class InformationCategory(models.TextChoices):
    # UU 14/2008 Pasal 9, 10, 11
    BERKALA = "berkala", _("Periodic (berkala)")
    SERTA_MERTA = "serta_merta", _("Immediate (serta-merta)")
    SETIAP_SAAT = "setiap_saat", _("Available at any time (setiap saat)")


class RegisterCounter(models.Model):
    """The last number issued per register and year; locked while a number is taken."""

    register = models.CharField(max_length=20)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["register", "year"], name="ppid_unique_counter")
        ]

    def __str__(self) -> str:
        return f"{self.register} {self.year}: {self.last}"


class InformationRequest(TimeStampedModel):
    """A permohonan informasi publik (UU 14/2008 Pasal 22): one row of the request register."""

    registration_number = models.CharField(_("registration number"), max_length=30, unique=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    state = models.CharField(_("state"), max_length=20, choices=RequestState.choices)
    requester_kind = models.CharField(
        _("requester"), max_length=20, choices=RequesterKind.choices, default=RequesterKind.PERSON
    )
    requester_name = models.CharField(_("full name"), max_length=200)
    identity_number = models.CharField(_("NIK or legal-entity number"), max_length=60, blank=True)
    address = models.TextField(_("address"), blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    on_behalf_of = models.CharField(
        _("on behalf of"),
        max_length=200,
        blank=True,
        help_text=_("Filled when the requester acts for someone else with a power of attorney."),
    )
    information_requested = models.TextField(_("information requested"))
    purpose = models.TextField(_("purpose of use"), blank=True)
    access_method = models.CharField(
        _("how to obtain"), max_length=20, choices=AccessMethod.choices, default=AccessMethod.COPY
    )
    delivery_method = models.CharField(
        _("how to receive"),
        max_length=20,
        choices=DeliveryMethod.choices,
        default=DeliveryMethod.EMAIL,
    )
    received_at = models.DateTimeField(_("received at"))
    received_on = models.DateField(_("date received"))
    completed_on = models.DateField(_("date complete"), null=True, blank=True)
    clock_start = models.DateField(_("clock starts"))
    due_on = models.DateField(_("notice due"))
    extended_on = models.DateField(_("extended on"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    answered_on = models.DateField(_("notice date"), null=True, blank=True)
    case_reference = models.CharField(_("case reference"), max_length=60, blank=True)
    # The complaint channel a forwarded request came through (whatsapp, lapor, ...).
    source_channel = models.CharField(_("source channel"), max_length=30, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("information request")
        verbose_name_plural = _("information requests")
        indexes = [models.Index(fields=["state", "due_on"])]

    def __str__(self) -> str:
        return self.registration_number

    @property
    def is_open(self) -> bool:
        return self.state != RequestState.ANSWERED


class AttachmentKind(models.TextChoices):
    IDENTITY = "identity", _("Identity document (KTP / deed)")
    POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney")
    OTHER = "other", _("Other")


class RequestAttachment(TimeStampedModel):
    """A sanitised file of a request (KTP, power of attorney): PPID roles only."""

    request = models.ForeignKey(
        InformationRequest, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices)
    file = models.FileField(upload_to="ppid/attachments/")
    content_type = models.CharField(max_length=100)
    original_name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"{self.request} {self.kind}"


class WrittenNotice(TimeStampedModel):
    """The pemberitahuan tertulis of UU 14/2008 Pasal 22(7) a–g, and its PDF."""

    request = models.OneToOneField(
        InformationRequest, on_delete=models.PROTECT, related_name="notice"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    issued_on = models.DateField(_("notice date"))
    material = models.TextField(_("information to be provided"), blank=True)
    blacked_out = models.TextField(_("blacked-out parts and why"), blank=True)
    exemption_ground = models.CharField(
        _("Pasal 17 ground"), max_length=1, choices=ExemptionGround.choices, blank=True
    )
    consequence_test = models.TextField(_("consequence test"), blank=True)
    exempted_item = models.ForeignKey(
        "ExemptedInformationItem", null=True, blank=True, on_delete=models.SET_NULL
    )
    held_by = models.CharField(_("body that holds it"), max_length=200, blank=True)
    format = models.CharField(_("format"), max_length=100, blank=True)
    cost = models.DecimalField(_("cost (Rp)"), max_digits=12, decimal_places=0, default=0)
    payment_method = models.CharField(_("how to pay"), max_length=200, blank=True)
    document = models.FileField(upload_to="ppid/notices/", blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.request} {self.outcome}"


class Objection(TimeStampedModel):
    """A keberatan to the atasan PPID (UU 14/2008 Pasal 35–36); one row of its register."""

    registration_number = models.CharField(_("objection number"), max_length=30, unique=True)
    request = models.ForeignKey(
        InformationRequest, on_delete=models.PROTECT, related_name="objections"
    )
    state = models.CharField(_("state"), max_length=20, choices=ObjectionState.choices)
    ground = models.CharField(_("ground"), max_length=1, choices=ObjectionGround.choices)
    ground_arose_on = models.DateField(_("date the ground arose"))
    filed_on = models.DateField(_("date filed"))
    due_on = models.DateField(_("answer due"))
    objector_name = models.CharField(_("name"), max_length=200)
    proxy_name = models.CharField(_("proxy"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    case_position = models.TextField(_("case position"), blank=True)
    filed_late = models.BooleanField(_("filed after the deadline"), default=False)
    decision = models.CharField(
        _("decision"), max_length=20, choices=ObjectionDecision.choices, blank=True
    )
    answer_reasons = models.TextField(_("reasons"), blank=True)
    answered_on = models.DateField(_("answer date"), null=True, blank=True)
    superior_name = models.CharField(_("atasan PPID"), max_length=200, blank=True)
    superior_position = models.CharField(_("position"), max_length=200, blank=True)
    requester_response = models.TextField(_("objector's response"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-filed_on", "-id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return self.registration_number


class Dispute(TimeStampedModel):
    """A sengketa informasi before the Komisi Informasi (UU 14/2008 Pasal 37): tracked only."""

    objection = models.OneToOneField(Objection, on_delete=models.PROTECT, related_name="dispute")
    commission = models.CharField(_("Komisi Informasi"), max_length=200)
    filed_on = models.DateField(_("date filed"))
    filed_late = models.BooleanField(default=False)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=DisputeOutcome.choices, default=DisputeOutcome.PENDING
    )
    outcome_on = models.DateField(_("outcome date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    def __str__(self) -> str:
        return f"{self.objection} → {self.commission}"


class PublicInformationItem(TimeStampedModel):
    """One entry of the Daftar Informasi Publik (DIP), Perki 1/2010 Lampiran II columns."""

    title = models.CharField(_("information"), max_length=300)
    summary = models.TextField(_("summary of contents"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=InformationCategory.choices)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("unit holding it")
    )
    responsible = models.CharField(_("responsible for publishing"), max_length=200, blank=True)
    made_when_where = models.CharField(_("time and place made"), max_length=200, blank=True)
    format = models.CharField(_("format available"), max_length=100, blank=True)
    retention = models.CharField(_("retention period"), max_length=100, blank=True)
    last_published_on = models.DateField(_("last published"), null=True, blank=True)
    is_published = models.BooleanField(_("shown on the public site"), default=True)

    class Meta:
        ordering = ["category", "title"]
        verbose_name = _("public information (DIP)")
        verbose_name_plural = _("public information list (DIP)")

    def __str__(self) -> str:
        return self.title


class PublicDocument(TimeStampedModel):
    """A document of a DIP entry: a link, or a sanitised file (PDF or image)."""

    item = models.ForeignKey(
        PublicInformationItem, on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(upload_to="ppid/dip/", blank=True)

    def __str__(self) -> str:
        return self.title


class ExemptedInformationItem(TimeStampedModel):
    """One entry of the Daftar Informasi yang Dikecualikan (UU 14/2008 Pasal 17, 2(4), 20)."""

    title = models.CharField(_("information"), max_length=300)
    ground = models.CharField(_("Pasal 17 ground"), max_length=1, choices=ExemptionGround.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    consequence_test = models.TextField(_("consequence test"))
    exempt_from = models.DateField(_("exempt from"))
    exempt_until = models.DateField(_("exempt until"), null=True, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=200, blank=True)
    expiry_alerted_on = models.DateField(null=True, blank=True)

    # Set by queries.exempted_items on the rows it returns; not a column.
    ended: bool

    class Meta:
        ordering = ["exempt_until", "title"]
        verbose_name = _("exempted information (DIK)")
        verbose_name_plural = _("exempted information list (DIK)")

    def __str__(self) -> str:
        return self.title


class Reminder(TimeStampedModel):
    """A reminder to PPID staff about a deadline; ``key`` makes each one exist once."""

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=30)  # due_soon, overdue, dip_stale, dik_expired
    message = models.CharField(max_length=300)
    due_on = models.DateField(null=True, blank=True)
    request = models.ForeignKey(
        InformationRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    objection = models.ForeignKey(
        Objection, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    for_superior = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message
