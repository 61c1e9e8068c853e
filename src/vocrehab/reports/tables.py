"""The tables of the VRMDS standard evaluation report: ids, titles, shape and rules.

One :class:`TableSpec` per table of ``dataset/VRMDS.md`` ("Standard report:
evaluation"). The engine (:mod:`vocrehab.reports.evaluation`) fills them; suppression,
exports, the web pages and the PDF appendix read their shape and definitions from here,
so a table is described once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from vocrehab.codes import (
    FOLLOWUP_WINDOW_CLOSES_DAYS,
    NATIONAL_ASSESSMENT_DAYS,
    NATIONAL_FIRST_CONTACT_DAYS,
)


@dataclass(frozen=True)
class TableSpec:
    id: str
    title: str
    population: str
    dimensions: tuple[str, ...]
    measures: tuple[str, ...]
    definition: str
    # Measures that count people or events: 1 to threshold-1 is suppressed.
    counts: tuple[str, ...] = ("count",)
    # Dimensions whose cells add up to a published total: secondary suppression
    # works within each group of cells sharing these dimension values.
    groups: tuple[str, ...] = ()
    # Cells are cumulative ("within 7 days" includes "same day").
    cumulative: bool = False
    # Means and other statistics of a small group are hidden too.
    statistic: bool = False
    # Counts beside the cell's own, hidden alone when small (null), the cell standing.
    side_counts: tuple[str, ...] = ()
    # A local table: the service's own, not one of the VRMDS standard's.
    local: bool = False


_LOCAL = _("Local table, not part of VRMDS.")


def _local(text):
    return format_lazy("{} {}", _LOCAL, text)


S = TableSpec

TABLES: dict[str, TableSpec] = {
    spec.id: spec
    for spec in (
        S(
            "summary",
            _("Summary"),
            _("All episodes referred in the period"),
            ("metric",),
            ("count",),
            _(
                "Referred: episodes whose referral date is in the period. Discharged: those "
                "with a discharge date. Open: those without. Re-referrals: episodes linked to "
                "an earlier episode of the same person."
            ),
            groups=("split",),
        ),
        S(
            "referral_sources",
            _("Referral sources"),
            _("All episodes"),
            ("referral_source",),
            ("count", "percent"),
            _("Who referred, as a percentage of all episodes referred in the period."),
        ),
        S(
            "conditions",
            _("Conditions"),
            _("All episodes"),
            ("condition", "condition_detail"),
            ("count", "percent"),
            _(
                "Each condition's total has an empty detail; detail rows (for cancer the "
                "ICD-10 site) follow it. Episodes without a detail count in the total only."
            ),
            groups=("condition", "level"),
        ),
        S(
            "sex",
            _("Sex"),
            _("All episodes"),
            ("sex",),
            ("count", "percent"),
            _("Sex as recorded at referral; not_recorded when empty."),
        ),
        S(
            "age",
            _("Age at referral"),
            _("All episodes with an age"),
            (),
            ("mean", "median", "min", "max"),
            _(
                "Age in whole years at referral. The median of an even number of ages is the "
                "mean of the two middle ones."
            ),
            counts=(),
            statistic=True,
        ),
        S(
            "ethnicity",
            _("Ethnic group"),
            _("All episodes"),
            ("ethnicity",),
            ("count", "percent"),
            _("NHS ethnic category letters; not_recorded when empty."),
        ),
        S(
            "deprivation",
            _("Deprivation"),
            _("All episodes with a deprivation decile or rank"),
            ("most_deprived_15pct", "deprivation_quintile"),
            ("count", "percent"),
            _(
                "Most deprived 15%: rank at most 0.15 × the number of areas of the index; "
                "needs the rank, so episodes with only a decile are left out of that split. "
                "Quintile = ⌈decile ÷ 2⌉, the decile derived from the rank when the rank is "
                "given (⌈10 × rank ÷ areas⌉). Percentages are of each split's own total."
            ),
            groups=("split",),
        ),
        S(
            "occupations",
            _("Occupations"),
            _("All episodes"),
            ("occupation",),
            ("count", "percent"),
            _("SOC 2020 major group, or the reason there is none; not_recorded when empty."),
        ),
        S(
            "diagnosis_to_referral",
            _("Time from diagnosis to referral"),
            _("All episodes"),
            ("condition", "interval"),
            ("count", "percent"),
            _(
                "Calendar days from diagnosis to referral: lt_6m under 183, 6_12m under 365, "
                "1_2y under 730, 2_5y under 1826, gt_5y otherwise; not_known without a "
                "diagnosis date (or with one after the referral). Percent of the condition."
            ),
            groups=("condition",),
        ),
        S(
            "reasons_by_tier",
            _("Main reason for coming, by tier"),
            _("All episodes"),
            ("tier", "main_reason"),
            ("count", "percent"),
            _(
                "Tier is the highest tier reached. The 'all' rows hold every episode, "
                "including tier 1 and those never allocated. Percent of the tier."
            ),
            groups=("tier",),
        ),
        S(
            "time_to_assessment",
            _("Time from referral to assessment"),
            _("Episodes with an assessment date"),
            ("within",),
            ("count", "percent"),
            _(
                "Calendar days from referral to the initial assessment. Cumulative: "
                "7_days counts everyone assessed within 7 days, same day included."
            ),
            cumulative=True,
        ),
        S(
            "service_standards",
            _("Service standards"),
            _("All episodes"),
            ("standard", "service"),
            ("met", "eligible", "percent", "not_yet_due"),
            format_lazy(
                _(
                    "Working days (Monday to Friday less the public holidays of the "
                    "service's nation) after the referral date, judged on the report date "
                    "(the end of the period, or today if sooner). First, the VRMDS national "
                    "standards, for every service: first contact within {first} working "
                    "days (eligible are episodes with a first contact by the report date, "
                    "and those without one whose {first} working days have passed by then) "
                    "and assessment within {assess} (eligible are episodes assessed, and "
                    "open episodes not yet assessed whose {assess} working days have "
                    "passed). Episodes whose days have not yet run out are left out of "
                    "eligible and counted as not_yet_due. Then, for each service whose own "
                    "standard differs, the same counted against its own number of days, "
                    "with the service's code."
                ),
                first=NATIONAL_FIRST_CONTACT_DAYS,
                assess=NATIONAL_ASSESSMENT_DAYS,
            ),
            counts=("met", "eligible", "not_yet_due"),
            # Each standard of each service is its own population: no cells add up to
            # another's, so hiding one never needs another hidden beside it.
            groups=("standard", "service"),
        ),
        S(
            "engagement",
            _("Engagement"),
            _("Discharged episodes"),
            ("engagement",),
            ("count", "percent"),
            _("How the client engaged, for discharged episodes; not_recorded when empty."),
        ),
        S(
            "contacts_by_tier",
            _("Contacts by tier"),
            _("Discharged episodes"),
            ("tier",),
            ("clients", "contacts", "mean_per_client", "percent_of_contacts"),
            _(
                "Highest tier reached; episodes whose main reason is third_party are shown "
                "in their own row and left out of the tier rows. Clients are distinct "
                "people; contacts are all contacts of their episodes. Percent of all "
                "contacts of discharged episodes."
            ),
            counts=("clients",),
        ),
        S(
            "interventions",
            _("Interventions"),
            _("Contacts of discharged episodes with at least one intervention"),
            ("tier", "intervention"),
            ("count", "clients"),
            _(
                "VRMDS v1.1. Each contact counts once under each of its intervention codes, "
                "so a tier's rows add up to more than its contacts. Tier rows as in contacts "
                "by tier (highest tier reached; third_party in its own row). count: "
                "contacts; clients: distinct people. Contacts of episodes that did not "
                "reach tier 2 count in n only."
            ),
            counts=("count", "clients"),
            # A contact counts under several codes: no cells add up to a published total.
            groups=("tier", "intervention"),
        ),
        S(
            "contact_modes",
            _("Contact modes"),
            _("All contacts of the episodes"),
            ("mode",),
            ("count", "percent"),
            _("Every contact recorded in the episodes referred in the period, by mode."),
        ),
        S(
            "length_of_stay",
            _("Length of stay"),
            _("Discharged episodes"),
            ("within",),
            ("count", "percent"),
            _(
                "Calendar days from referral to discharge; weeks are 7 days. The first "
                "three rows are cumulative (within 12 weeks includes within 4 weeks); "
                "over_16_weeks is the rest."
            ),
            cumulative=True,
        ),
        S(
            "onward",
            _("Onward referrals and signposts"),
            _("All onward referrals and signposts of the episodes"),
            ("kind", "category"),
            ("count", "clients"),
            _("Count of referrals or signposts, and of distinct people who had one."),
            counts=("count", "clients"),
            groups=("kind",),
        ),
        S(
            "work_status",
            _("Work status at entry and discharge"),
            _("Outcome cohort: discharged, main reason not third_party"),
            ("timepoint", "work_status"),
            ("count", "percent"),
            _(
                "Entry is the work status at referral. not_recorded when no discharge "
                "status was recorded. Percent of the cohort."
            ),
            groups=("timepoint",),
        ),
        S(
            "work_status_transitions",
            _("Work status transitions"),
            _("Outcome cohort"),
            ("entry_group", "discharge_status"),
            ("count",),
            _(
                "Entry group: in_work (at_work or self_employed), off_sick, or not_in_work "
                "(every other status); against the status at discharge."
            ),
            groups=("entry_group",),
        ),
        S(
            "work_status_by_tier",
            _("Work status by tier"),
            _("Outcome cohort"),
            ("tier", "timepoint", "work_status"),
            ("count", "percent"),
            _("Highest tier reached; not_allocated when never allocated. Percent of the tier."),
            groups=("tier", "timepoint"),
        ),
        S(
            "work_status_by_deprivation",
            _("Work status by deprivation"),
            _("Outcome cohort with a deprivation rank"),
            ("most_deprived_15pct", "timepoint", "work_status"),
            ("count", "percent"),
            _("Most deprived 15% as in the deprivation table. Percent of the group."),
            groups=("most_deprived_15pct", "timepoint"),
        ),
        S(
            "work_status_by_condition",
            _("Work status at discharge by condition"),
            _("Outcome cohort"),
            ("condition", "work_status"),
            ("count", "percent"),
            _("Work status at discharge. Percent of the condition."),
            groups=("condition",),
        ),
        S(
            "followup",
            _("Six-month follow-up"),
            _("Outcome cohort with a follow-up work status"),
            (),
            (
                "respondents",
                "in_work_at_discharge",
                "still_in_work",
                "percent_sustained",
                "percent_in_work_at_discharge",
                "percent_in_work_at_followup",
                "out_of_window",
            ),
            _(
                "In work means at_work or self_employed. Sustained: in work at discharge "
                "and at follow-up, as a percentage of those in work at discharge. A "
                "follow-up counts only when collected 150 to 270 days after discharge; "
                "out_of_window is how many recorded follow-up statuses were left out for "
                "their date."
            ),
            counts=("respondents", "in_work_at_discharge", "still_in_work"),
            side_counts=("out_of_window",),
        ),
        S(
            "eq5d_no_problems",
            _("EQ-5D: no problems, by dimension"),
            _("Paired EQ-5D (5L or 3L)"),
            ("dimension", "timepoint"),
            ("count", "n"),
            _(
                "Clients reporting level 1 (no problems) in each dimension, among those who "
                "answered that dimension at both entry and discharge."
            ),
            counts=("count", "n"),
        ),
        S(
            "eq_vas",
            _("EQ VAS"),
            _("Paired EQ VAS"),
            ("timepoint",),
            ("mean", "n"),
            _("Mean EQ VAS (0–100) of clients with a VAS at both entry and discharge."),
            counts=("n",),
            statistic=True,
        ),
        S(
            "eq5d_index",
            _("EQ-5D index"),
            _("Paired EQ-5D profiles"),
            ("timepoint",),
            ("mean", "n"),
            _(
                "Mean index value of clients with a complete profile at both entry and "
                "discharge, valued with the value set named in the table; only the "
                "responses that value set values (5L or 3L) are included."
            ),
            counts=("n",),
            statistic=True,
        ),
        S(
            "hads_bands",
            _("HADS bands"),
            _("Paired HADS"),
            ("subscale", "timepoint", "band"),
            ("count",),
            _(
                "Subscale totals: 0–7 normal, 8–10 mild, 11–14 moderate, 15–21 severe. One "
                "missing item is prorated (mean of six × 7, rounded half up); with more "
                "missing the recorded total is used if there is one. Paired per subscale."
            ),
            groups=("subscale", "timepoint"),
        ),
        S(
            "phq9_bands",
            _("PHQ-9 bands"),
            _("Paired PHQ-9"),
            ("timepoint", "band"),
            ("count",),
            _(
                "Totals of items 1 to 9 (the difficulty question is not in the total): 0–4 "
                "minimal, 5–9 mild, 10–14 moderate, 15–19 moderately severe, 20–27 severe. "
                "One missing item is prorated (mean of the eight answered × 9, rounded half "
                "up); with more missing the questionnaire is not scored."
            ),
            groups=("timepoint",),
        ),
        S(
            "gad7_bands",
            _("GAD-7 bands"),
            _("Paired GAD-7"),
            ("timepoint", "band"),
            ("count",),
            _(
                "Totals: 0–4 minimal, 5–9 mild, 10–14 moderate, 15–21 severe. One missing "
                "item is prorated (mean of the six answered × 7, rounded half up); with more "
                "missing the questionnaire is not scored."
            ),
            groups=("timepoint",),
        ),
        S(
            "who5",
            _("WHO-5 wellbeing"),
            _("Paired WHO-5"),
            ("timepoint",),
            ("mean", "n", "poor_wellbeing"),
            _(
                "Mean percentage score (raw total × 4, 0–100; higher is better). "
                "poor_wellbeing: clients scoring 50 or less. One missing item is prorated "
                "(mean of the four answered × 5, rounded half up)."
            ),
            counts=("n", "poor_wellbeing"),
            statistic=True,
        ),
        S(
            "copm",
            _("COPM"),
            _("Paired COPM"),
            ("score", "timepoint"),
            ("mean", "n", "improved_2_or_more"),
            _(
                "Mean performance and satisfaction scores (each the client's mean over their "
                "problems, to one decimal). improved_2_or_more, on the discharge cell: "
                "clients whose score rose by 2 or more, the clinically important change."
            ),
            counts=("n", "improved_2_or_more"),
            statistic=True,
        ),
        S(
            "work_confidence",
            _("Work confidence"),
            _("Paired work confidence"),
            ("item", "timepoint"),
            ("mean", "n"),
            _("Mean of each 0–10 item among clients who answered it at entry and discharge."),
            counts=("n",),
            statistic=True,
        ),
        S(
            "health_use",
            _("Health service use in the last month"),
            _("Paired health service use"),
            ("item", "timepoint"),
            ("total", "n"),
            _("Total visits or stays among clients who answered the item at both timepoints."),
            counts=("n",),
            statistic=True,
        ),
        S(
            "satisfaction",
            _("Client satisfaction"),
            _("Discharged episodes with a satisfaction survey"),
            ("question", "answer"),
            ("count", "percent"),
            _(
                "Answers as coded in VRMDS (overall 4 excellent … 1 poor; recommend and "
                "use_again 1 yes, 0 no). Percent of those who answered the question."
            ),
            groups=("question",),
        ),
        S(
            "questionnaire_completion",
            _("Questionnaire completion"),
            _("Episodes owed each questionnaire"),
            ("instrument", "timepoint"),
            ("eligible", "completed", "percent", "sent", "paired"),
            format_lazy(
                _(
                    "For each questionnaire the services use at each timepoint: eligible at "
                    "entry are the assessed episodes, at discharge the discharged ones, at "
                    "follow-up the discharged ones whose follow-up window ({days} days after "
                    "discharge) closed by the report date. Completed: eligible episodes "
                    "with a questionnaire there that gives at least one score. Sent: those "
                    "whose questionnaire was sent or entered by staff. Paired, on the "
                    "discharge row: discharged episodes with a scorable questionnaire at "
                    "both entry and discharge, the most any paired table above can hold."
                ),
                days=FOLLOWUP_WINDOW_CLOSES_DAYS,
            ),
            counts=("eligible", "completed", "sent", "paired"),
            # Each row stands alone: rows do not add up to a published total.
            groups=("instrument", "timepoint"),
        ),
        S(
            "goals",
            _("Goals set and achieved"),
            _("Goals set in the episodes"),
            ("term",),
            ("count", "achieved", "percent_achieved", "clients"),
            _local(
                _(
                    "Goals set in episodes referred in the period, short and long term. "
                    "achieved: goals whose latest status is achieved (partly achieved is "
                    "not counted). clients: distinct people with a goal of that term."
                )
            ),
            counts=("count", "achieved", "clients"),
            local=True,
        ),
        S(
            "return_plans",
            _("Return-to-work plans"),
            _("Episodes with a phased return-to-work plan"),
            ("metric",),
            ("count",),
            _local(
                _(
                    "Episodes (not plan versions) whose current plan was written, agreed "
                    "(a date agreed recorded) and completed (progress recorded for its last "
                    "planned week: the phased return ran its course)."
                )
            ),
            groups=("metric",),
            local=True,
        ),
        S(
            "employer_liaison",
            _("Employer liaison"),
            _("Contacts with employers and employer meetings in the episodes"),
            ("metric",),
            ("count", "clients"),
            _local(
                _(
                    "employer_contacts: contacts recorded as with the employer; "
                    "employer_meetings: meetings recorded with a client's employer. clients: "
                    "distinct people whose employer was contacted or met."
                )
            ),
            counts=("count", "clients"),
            groups=("metric",),
            local=True,
        ),
        S(
            "courses",
            _("Course enrolment and completion"),
            _("Enrolments on the services' courses"),
            ("topic",),
            ("enrolled", "completed", "clients"),
            _local(
                _(
                    "Places taken on a course cohort (enrolled, including those who later "
                    "withdrew; not the waiting list), by the course's topic. completed: "
                    "enrolled participants who attended at least the course's sessions to "
                    "complete. clients: distinct people."
                )
            ),
            counts=("enrolled", "completed", "clients"),
            local=True,
        ),
        S(
            "in_work_reviews",
            _("In-work reviews"),
            _("In-work reviews due by the report date"),
            (),
            ("due", "done", "on_time", "percent_on_time"),
            _local(
                _(
                    "Reviews after a return to work that fell due by the report date "
                    "(cancelled ones left out); done: recorded; on_time: recorded with a "
                    "contact on or before the due date. Percent of those due."
                )
            ),
            counts=("due", "done", "on_time"),
            local=True,
        ),
        S(
            "awareness_sessions",
            _("Awareness sessions for health professionals"),
            _("Sessions the services gave in the period"),
            ("audience",),
            ("sessions", "professionals"),
            _local(
                _(
                    "Sessions about work and vocational rehabilitation given to health "
                    "professionals, dated in the period (up to the report date), by "
                    "audience; professionals: how many attended. They name no client, so "
                    "small numbers are not suppressed."
                )
            ),
            # No client is counted here: nothing to suppress.
            counts=(),
            local=True,
        ),
    )
}

# Work statuses, in the order the standard lists them.
NOT_RECORDED = "not_recorded"
