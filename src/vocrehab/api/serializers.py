"""What the API reads and writes. Shapes only: rules live in the apps' services and queries."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from vocrehab.casework.forms import ContactForm, EpisodeFactsForm
from vocrehab.casework.models import Contact, OnwardOutcome
from vocrehab.codes import (
    ContactMode,
    ContactWith,
    Engagement,
    Intervention,
    OnwardCategory,
    OnwardKind,
    Tier,
    Timepoint,
    WorkStatus,
)
from vocrehab.episodes.models import Episode

# --- services --------------------------------------------------------------------------


class ServiceSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("The VRMDS service code."))
    name = serializers.CharField()
    nation = serializers.CharField()
    roles = serializers.ListField(
        child=serializers.CharField(), help_text=_("Your roles in this service.")
    )
    permissions = serializers.ListField(
        child=serializers.CharField(), help_text=_("What your roles let you do here.")
    )


# --- episodes --------------------------------------------------------------------------


class EpisodeQuerySerializer(serializers.Serializer):
    """The filters of the episode list."""

    service = serializers.CharField(
        required=False,
        max_length=32,
        help_text=_("A service code; without it, every service you may see."),
    )
    open = serializers.BooleanField(
        required=False,
        help_text=_("true: open episodes only; false: discharged only; absent: both."),
    )


class EpisodeSummarySerializer(serializers.ModelSerializer):
    service = serializers.CharField(source="service.code", read_only=True)
    client_reference = serializers.CharField(source="client.reference", read_only=True)
    case_manager = serializers.SerializerMethodField()
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Episode
        fields = [
            "id",
            "reference",
            "service",
            "client_reference",
            "referral_date",
            "referral_source",
            "condition",
            "main_reason",
            "work_status_at_referral",
            "tier",
            "highest_tier",
            "case_manager",
            "first_contact_date",
            "assessment_date",
            "discharge_date",
            "work_status_at_discharge",
            "followup_date",
            "work_status_at_followup",
            "followup_collected_on",
            "followup_outside_window_reason",
            "is_open",
            "version",
        ]
        read_only_fields = fields

    def get_case_manager(self, episode) -> str | None:
        worker = episode.case_manager
        return worker.get_full_name() or worker.email if worker else None


class ContactSerializer(serializers.ModelSerializer):
    interventions = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = [
            "id",
            "contact_date",
            "mode",
            "contact_with",
            "minutes",
            "interventions",
            "note",
        ]
        read_only_fields = fields

    def get_interventions(self, contact) -> list[str]:
        return contact.intervention_codes


class ClientSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)


class EpisodeDetailSerializer(EpisodeSummarySerializer):
    client = ClientSummarySerializer(read_only=True)
    contacts = ContactSerializer(many=True, read_only=True)

    class Meta(EpisodeSummarySerializer.Meta):
        fields = [
            *EpisodeSummarySerializer.Meta.fields,
            "client",
            "previous_episode",
            "job_title",
            "employer_name",
            "occupation",
            "weeks_absent_at_referral",
            "engagement",
            "discharge_reason",
            "contacts",
        ]
        read_only_fields = fields


# --- recording a contact ---------------------------------------------------------------

# The web form's limits on minutes are the rule; the API takes them from there.
_MINUTES = ContactForm.base_fields["minutes"]


class ContactInputSerializer(serializers.Serializer):
    """A contact to record. Shapes and codes are checked here; the casework rules (not in
    the future, not before the referral, sign-off) are the casework service's."""

    contact_date = serializers.DateField(help_text=_("ISO date, for example 2025-03-14."))
    mode = serializers.ChoiceField(choices=ContactMode.choices)
    contact_with = serializers.ChoiceField(choices=ContactWith.choices)
    minutes = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=_MINUTES.min_value,
        max_value=_MINUTES.max_value,
    )
    interventions = serializers.ListField(
        child=serializers.ChoiceField(choices=Intervention.choices),
        required=False,
        default=list,
        help_text=_("VRMDS intervention codes delivered in the contact."),
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


# --- discharge and follow-up ---------------------------------------------------------


class DischargeInputSerializer(serializers.Serializer):
    """A discharge to record. Shapes and codes only: the episode's rules (dates in order,
    no contact after it, the outcome it needs) are the episode core's, as on the page."""

    discharge_date = serializers.DateField(help_text=_("ISO date, for example 2025-03-14."))
    work_status_at_discharge = serializers.ChoiceField(choices=WorkStatus.choices)
    discharge_reason = serializers.CharField(max_length=255)
    engagement = serializers.ChoiceField(
        choices=Engagement.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Leave out to keep what is recorded (engaged when assessed)."),
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("The episode's version you read; refused (409) if it changed since."),
    )


class FollowupInputSerializer(serializers.Serializer):
    """A six-month follow-up to record: the work status and the date it was collected.

    Outside the window (150 to 270 days after discharge) only a service manager records
    one, with ``reason``."""

    followup_collected_on = serializers.DateField(
        help_text=_("The date the follow-up status was collected (VRMDS followup_date).")
    )
    work_status_at_followup = serializers.ChoiceField(choices=WorkStatus.choices)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=255,
        help_text=_("Why it is recorded outside the window (service managers only)."),
    )
    version = serializers.IntegerField(required=False, min_value=1)


class SignOffPendingSerializer(serializers.Serializer):
    sign_off = serializers.IntegerField(help_text=_("The sign-off request now waiting."))
    detail = serializers.CharField()


# --- the evaluation report -------------------------------------------------------------


class EvaluationQuerySerializer(serializers.Serializer):
    """The evaluation report's services and period (``from`` and ``to`` are inclusive):
    one service, or a commissioning area (every service beneath it, together)."""

    def get_fields(self):
        # ``from`` is a Python keyword, so the fields are named here rather than declared.
        return {
            "service": serializers.CharField(
                max_length=32, required=False, help_text=_("A service code.")
            ),
            "area": serializers.CharField(
                max_length=32,
                required=False,
                help_text=_(
                    "Instead of a service: the code of a commissioning area (nation, "
                    "region or area); the report covers every service beneath it."
                ),
            ),
            "from": serializers.DateField(
                required=False, help_text=_("First referral date counted (inclusive).")
            ),
            "to": serializers.DateField(
                required=False, help_text=_("Last referral date counted (inclusive).")
            ),
        }

    def validate(self, attrs):
        if ("service" in attrs) == ("area" in attrs):
            raise serializers.ValidationError(
                {"service": _("Give a service or an area, one of the two.")}
            )
        start, end = attrs.get("from"), attrs.get("to")
        if start and end and start > end:
            raise serializers.ValidationError(
                {"to": _("The end of the period must not be before its start.")}
            )
        return attrs


class ReportFiltersSerializer(serializers.Serializer):
    services = serializers.ListField(child=serializers.CharField())
    to = serializers.DateField(allow_null=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(allow_null=True)
        return fields


class ReportTableSerializer(serializers.Serializer):
    title = serializers.CharField()
    n = serializers.FloatField(
        allow_null=True, help_text=_("The table's population; null when suppressed.")
    )
    cells = serializers.ListField(
        child=serializers.DictField(),
        help_text=_(
            "Tidy cells: dimension codes and measures; a suppressed cell has null "
            'measures and "suppressed": true.'
        ),
    )


class EvaluationReportSerializer(serializers.Serializer):
    """The VRMDS ``evaluation`` report (documentation of its shape; see dataset/VRMDS.md)."""

    report = serializers.CharField()
    vrmds_version = serializers.CharField(help_text=_('The VRMDS version, e.g. "1.1".'))
    filters = ReportFiltersSerializer()
    tables = serializers.DictField(child=ReportTableSerializer())


# --- clients ------------------------------------------------------------------------------


class ClientQuerySerializer(serializers.Serializer):
    nhs_number = serializers.CharField(
        max_length=20, help_text=_("A 10-digit NHS or CHI number (spaces allowed).")
    )


class ClientSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    service = serializers.CharField(source="service.code")
    nhs_number = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    postcode = serializers.CharField()


# --- electronic referrals -------------------------------------------------------------------


class ElectronicReferralSerializer(serializers.Serializer):
    """An electronic referral: the web referral form's sections, each checked by that form."""

    service = serializers.CharField(max_length=32, help_text=_("The receiving service's code."))
    person = serializers.DictField(
        help_text=_(
            "first_name, last_name, date_of_birth, nhs_number, sex, ethnicity, postcode, "
            "address, phone, email, contact_methods, safe_to_leave_message (yes/no), "
            "contact_notes"
        )
    )
    health = serializers.DictField(
        help_text=_(
            "condition, condition_detail, diagnosis_date, treatment_stage, "
            "work_status_at_referral, weeks_absent_at_referral, occupation, job_title, "
            "employer_name, main_reason"
        )
    )
    referrer = serializers.DictField(
        help_text=_(
            "referrer_name, referrer_role, referrer_organisation, referral_source, "
            "referrer_email (sent an acknowledgement), referrer_phone"
        )
    )
    consent = serializers.DictField(
        help_text=_("consent_to_contact (true), consent_to_share (yes/no)")
    )


class ReferralCreatedSerializer(serializers.Serializer):
    referral = serializers.CharField(help_text=_("The referral's reference."))
    episode = serializers.IntegerField()
    client_reference = serializers.CharField()
    possible_duplicate = serializers.BooleanField(
        help_text=_("The person already has an open episode: triage decides whether to merge.")
    )


# --- changing an episode's key facts -----------------------------------------------------

# The key facts the web's "Change the key facts" form edits; that form checks them.
EPISODE_FACTS = tuple(EpisodeFactsForm.Meta.fields)


class EpisodeChangeSerializer(serializers.Serializer):
    """The key facts an integration may change. Send ``version`` (from the last read) and
    only the fields to change; each goes through the path the web pages use."""

    version = serializers.IntegerField(
        min_value=1, help_text=_("The episode's version when you read it.")
    )
    job_title = serializers.CharField(required=False, allow_blank=True)
    employer_name = serializers.CharField(required=False, allow_blank=True)
    occupation = serializers.CharField(required=False, allow_blank=True)
    work_status_at_referral = serializers.CharField(required=False, allow_blank=True)
    weeks_absent_at_referral = serializers.IntegerField(required=False, allow_null=True)
    main_reason = serializers.CharField(required=False, allow_blank=True)
    condition_detail = serializers.CharField(required=False, allow_blank=True)
    engagement = serializers.CharField(required=False, allow_blank=True)
    first_contact_date = serializers.DateField(
        required=False, help_text=_("The first response to the client (triage).")
    )
    assessment_date = serializers.DateField(
        required=False, help_text=_("The initial assessment (triage).")
    )
    tier = serializers.ChoiceField(
        choices=Tier.choices,
        required=False,
        help_text=_("A support worker's change goes to their supervisor for sign-off."),
    )
    tier_reason = serializers.CharField(
        required=False, help_text=_("Why the tier changes; required with tier.")
    )
    case_manager = serializers.IntegerField(
        required=False,
        help_text=_("The id of the member of staff who holds the episode (allocation)."),
    )

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("This field cannot be changed here.")] for name in unknown}
                )
        return super().to_internal_value(data)

    def validate(self, attrs):
        if "tier" in attrs and not attrs.get("tier_reason", "").strip():
            raise serializers.ValidationError({"tier_reason": [_("Say why the tier changes.")]})
        return attrs


class EpisodeChangedSerializer(EpisodeDetailSerializer):
    sign_off_requested = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("Changes sent to a supervisor for sign-off rather than made now."),
    )

    class Meta(EpisodeDetailSerializer.Meta):
        fields = [*EpisodeDetailSerializer.Meta.fields, "sign_off_requested"]
        read_only_fields = fields


# --- questionnaires ------------------------------------------------------------------------


class AnswerSerializer(serializers.Serializer):
    item = serializers.CharField(help_text=_("The item code."))
    value = serializers.SerializerMethodField()

    def get_value(self, answer) -> float | str | None:
        return answer.value if answer.value is not None else answer.text_value


class AdministrationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    instrument = serializers.CharField(help_text=_("The questionnaire's code."))
    instrument_name = serializers.CharField()
    instrument_version = serializers.CharField()
    timepoint = serializers.CharField()
    status = serializers.CharField()
    date = serializers.DateField(allow_null=True, help_text=_("Date completed."))
    due_date = serializers.DateField(allow_null=True)
    completed_by = serializers.CharField()
    version = serializers.IntegerField()


class AdministrationDetailSerializer(AdministrationSerializer):
    episode = serializers.IntegerField(source="episode_id")
    comment = serializers.CharField()
    answers = AnswerSerializer(source="values", many=True)
    scores = serializers.SerializerMethodField(
        help_text=_("The stored scores of this questionnaire (column -> value).")
    )

    def get_scores(self, administration) -> dict[str, float | int | None]:
        return self.context["scores"]


class StaffEntryInputSerializer(serializers.Serializer):
    """A completed questionnaire. Each answer is checked by the questionnaire's definition."""

    instrument = serializers.CharField(max_length=32)
    timepoint = serializers.ChoiceField(choices=Timepoint.choices)
    date = serializers.DateField(help_text=_("The date completed."))
    answers = serializers.DictField(help_text=_("Item code -> value (number or text)."))
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("To replace answers already entered: the version you read."),
    )


# --- onward referrals ----------------------------------------------------------------------


class OnwardReferralSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    kind = serializers.CharField()
    category = serializers.CharField()
    service_name = serializers.CharField()
    service_ref = serializers.CharField(help_text=_("The services directory's reference."))
    outcome = serializers.CharField()
    version = serializers.IntegerField()


class OnwardInputSerializer(serializers.Serializer):
    """An onward referral or signpost; checked by the web's onward referral form."""

    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=OnwardKind.choices)
    category = serializers.ChoiceField(choices=OnwardCategory.choices)
    service_name = serializers.CharField(
        required=False, allow_blank=True, help_text=_("The service's name, or service_ref.")
    )
    service_ref = serializers.CharField(
        required=False, allow_blank=True, help_text=_("A services directory reference.")
    )
    outcome = serializers.ChoiceField(
        choices=OnwardOutcome.choices, required=False, allow_blank=True
    )


# --- submissions to a hub -------------------------------------------------------------


class SubmissionUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("A .zip of the VRMDS CSV files."))
    service = serializers.CharField(max_length=32, help_text=_("The submitting service's code."))
    period = serializers.CharField(
        max_length=7, help_text=_("A month (2026-11) or a quarter (2026-Q4).")
    )
    checksum = serializers.RegexField(
        r"^[0-9a-fA-F]{64}$", help_text=_("The SHA-256 checksum of the file, in hexadecimal.")
    )


class SubmissionVersionSerializer(serializers.Serializer):
    status = serializers.CharField(
        read_only=True, help_text=_('"accepted" (a new version) or "unchanged" (the same file).')
    )
    service = serializers.CharField(source="service.code")
    period = serializers.CharField()
    version = serializers.IntegerField(source="number")
    current = serializers.BooleanField()
    checksum = serializers.CharField()
    received_at = serializers.DateTimeField()
    rows = serializers.DictField(child=serializers.IntegerField())
    episodes_removed = serializers.IntegerField()


class SubmissionErrorSerializer(serializers.Serializer):
    file = serializers.CharField()
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class SubmissionRefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()
    error_count = serializers.IntegerField()
    errors = SubmissionErrorSerializer(many=True)
