"""The VRMDS v1.1 code lists, defined once.

Models, forms, the importer, the exporter and the reports all use these classes, so a
code can never mean one thing in a form and another in a report. The values are the
codes of ``dataset/VRMDS.md``; the labels are what people read.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The version of the data standard the report and exports follow, as the report's JSON
# gives it ("vrmds_version": "1.1"): a string, since a number cannot carry a minor version.
VRMDS_VERSION = "1.1"

# The VRMDS national service standards, in working days after the referral date. Each
# service may set its own (accounts.Service); reports give these for comparability.
NATIONAL_FIRST_CONTACT_DAYS = 5
NATIONAL_ASSESSMENT_DAYS = 10
# VRMDS v1.1: the six-month follow-up window, in calendar days after discharge. A follow-up
# status counts in the evaluation only when it was collected within it (both ends included).
FOLLOWUP_WINDOW_OPENS_DAYS = 150
FOLLOWUP_WINDOW_CLOSES_DAYS = 270


class Nation(models.TextChoices):
    ENGLAND = "england", _("England")
    SCOTLAND = "scotland", _("Scotland")
    WALES = "wales", _("Wales")
    NORTHERN_IRELAND = "northern_ireland", _("Northern Ireland")


class ReferralSource(models.TextChoices):
    ACUTE_NHS = "acute_nhs", _("Hospital clinician, nurse specialist or AHP")
    PRIMARY_CARE = "primary_care", _("GP or primary care")
    SELF = "self", _("Self-referral")
    MACMILLAN = "macmillan", _("Macmillan service (including benefits advice)")
    VOLUNTARY = "voluntary", _("Other charity or support group")
    EMPLOYER = "employer", _("Employer")
    OCCUPATIONAL_HEALTH = "occupational_health", _("Occupational health")
    JOBCENTRE = "jobcentre", _("DWP, Jobcentre Plus or employability programme")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    OTHER = "other", _("Other")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    NOT_STATED = "not_stated", _("Not stated")


class Ethnicity(models.TextChoices):
    """NHS ethnic category (Data Dictionary ETHNIC CATEGORY, 2001 census letters)."""

    A = "A", _("White - British")
    B = "B", _("White - Irish")
    C = "C", _("White - Any other White background")
    D = "D", _("Mixed - White and Black Caribbean")
    E = "E", _("Mixed - White and Black African")
    F = "F", _("Mixed - White and Asian")
    G = "G", _("Mixed - Any other mixed background")
    H = "H", _("Asian or Asian British - Indian")
    J = "J", _("Asian or Asian British - Pakistani")
    K = "K", _("Asian or Asian British - Bangladeshi")
    L = "L", _("Asian or Asian British - Any other Asian background")
    M = "M", _("Black or Black British - Caribbean")
    N = "N", _("Black or Black British - African")
    P = "P", _("Black or Black British - Any other Black background")
    R = "R", _("Other ethnic groups - Chinese")
    S = "S", _("Other ethnic groups - Any other ethnic group")
    Z = "Z", _("Not stated")


class DeprivationIndex(models.TextChoices):
    SIMD2020 = "simd2020", _("Scottish Index of Multiple Deprivation 2020")
    IMD2019 = "imd2019", _("English Index of Multiple Deprivation 2019")
    IMD2025 = "imd2025", _("English Index of Multiple Deprivation 2025")
    WIMD2019 = "wimd2019", _("Welsh Index of Multiple Deprivation 2019")
    NIMDM2017 = "nimdm2017", _("Northern Ireland Multiple Deprivation Measure 2017")


# Number of small areas ranked by each index (VRMDS, "Deprivation").
DEPRIVATION_AREAS = {
    DeprivationIndex.SIMD2020: 6976,
    DeprivationIndex.IMD2019: 32844,
    DeprivationIndex.IMD2025: 33755,
    DeprivationIndex.WIMD2019: 1909,
    DeprivationIndex.NIMDM2017: 890,
}


class Condition(models.TextChoices):
    CANCER = "cancer", _("Cancer")
    MS = "ms", _("Multiple sclerosis")
    IBD = "ibd", _("Inflammatory bowel disease")
    COPD = "copd", _("Chronic obstructive pulmonary disease")
    OTHER = "other", _("Other long-term condition")


class Occupation(models.TextChoices):
    """SOC 2020 major groups, or a reason there is none."""

    SOC1 = "1", _("Managers, directors and senior officials")
    SOC2 = "2", _("Professional occupations")
    SOC3 = "3", _("Associate professional occupations")
    SOC4 = "4", _("Administrative and secretarial occupations")
    SOC5 = "5", _("Skilled trades occupations")
    SOC6 = "6", _("Caring, leisure and other service occupations")
    SOC7 = "7", _("Sales and customer service occupations")
    SOC8 = "8", _("Process, plant and machine operatives")
    SOC9 = "9", _("Elementary occupations")
    UNEMPLOYED = "unemployed", _("Unemployed")
    STUDENT = "student", _("Student")
    RETIRED = "retired", _("Retired")
    OTHER = "other", _("Other")
    NOT_KNOWN = "not_known", _("Not known")


class WorkStatus(models.TextChoices):
    AT_WORK = "at_work", _("At work (including phased return)")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    OFF_SICK = "off_sick", _("Employed, off sick")
    UNEMPLOYED = "unemployed", _("Unemployed")
    RETIRED = "retired", _("Retired (including ill-health retirement)")
    EDUCATION = "education", _("In education")
    VOLUNTEERING = "volunteering", _("Volunteering")
    DECEASED = "deceased", _("Deceased")
    NOT_KNOWN = "not_known", _("Not known")


IN_WORK = frozenset({WorkStatus.AT_WORK, WorkStatus.SELF_EMPLOYED})


class MainReason(models.TextChoices):
    RETURN_FROM_SICKNESS = (
        "return_from_sickness",
        _("Help to get back to work from sickness absence"),
    )
    STAY_IN_WORK = "stay_in_work", _("Help to stay in work")
    CHANGE_JOB = "change_job", _("Help to change job")
    LEAVE_WORK = "leave_work", _("Help to leave work")
    FIND_WORK = "find_work", _("Help to find work")
    THIRD_PARTY = "third_party", _("Support for a family member or carer")


class Tier(models.TextChoices):
    ONE = "1", _("Tier 1: self-help")
    TWO = "2", _("Tier 2: moderate support")
    THREE = "3", _("Tier 3: intensive case management")


class Engagement(models.TextChoices):
    ENGAGED = "engaged", _("Engaged")
    DID_NOT_ENGAGE = "did_not_engage", _("Did not engage (never assessed)")
    WITHDREW = "withdrew", _("Withdrew early")


class ContactMode(models.TextChoices):
    PHONE = "phone", _("Phone")
    FACE_TO_FACE = "face_to_face", _("Face to face")
    HOME_VISIT = "home_visit", _("Home visit")
    VIDEO = "video", _("Video")
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter")


class ContactWith(models.TextChoices):
    CLIENT = "client", _("Client")
    EMPLOYER = "employer", _("Employer")
    THIRD_PARTY = "third_party", _("Third party (family, union, HR, another professional)")


class Intervention(models.TextChoices):
    ASSESSMENT = "assessment", _("Assessment of work skills, capacity, demands and support")
    GOAL_SETTING = "goal_setting", _("Prioritising issues and setting goals")
    PROBLEM_SOLVING = "problem_solving", _("Problem solving")
    WORK_READINESS = "work_readiness", _("Work preparedness and confidence")
    CONDITION_MANAGEMENT = "condition_management", _("Managing the condition at work")
    PHASED_RETURN = "phased_return", _("Negotiating a phased return")
    PSYCHOLOGICAL = "psychological", _("Coaching and CBT-based work")
    RIGHTS_DISCLOSURE = "rights_disclosure", _("Disclosure, rights and reasonable adjustments")
    ONWARD_REFERRAL = "onward_referral", _("Referral, signposting or careers advice")
    EMPLOYER_LIAISON = "employer_liaison", _("Employer liaison and workplace visits")
    WORKPLACE_ADJUSTMENTS = "workplace_adjustments", _("Advocating changes to the workplace")
    SUPPORTED_WITHDRAWAL = "supported_withdrawal", _("Supported withdrawal from work")


class OnwardKind(models.TextChoices):
    REFERRAL = "referral", _("Referral (made on the client's behalf)")
    SIGNPOST = "signpost", _("Signpost (information given)")


class OnwardCategory(models.TextChoices):
    EMPLOYMENT = "employment", _("Employment support and Access to Work")
    WELFARE = "welfare", _("Benefits and welfare rights")
    FINANCIAL = "financial", _("Debt, money, insurance and pensions")
    HEALTH_WELLBEING = "health_wellbeing", _("Health and wellbeing")
    PSYCHOLOGICAL = "psychological", _("Counselling and psychology")
    CLINICAL = "clinical", _("Clinical (OT, physiotherapy, nurse specialist)")
    CAREERS = "careers", _("Careers, training and education")
    LEGAL = "legal", _("Legal, ACAS and unions")
    SELF_MANAGEMENT = "self_management", _("Self-management courses")
    OTHER = "other", _("Other")


class Timepoint(models.TextChoices):
    ENTRY = "entry", _("Entry")
    DISCHARGE = "discharge", _("Discharge")
    FOLLOWUP = "followup", _("Follow-up")
    AD_HOC = "ad_hoc", _("Ad hoc")


# Timepoints that VRMDS measures.csv carries; ad hoc administrations stay internal.
VRMDS_TIMEPOINTS = (Timepoint.ENTRY, Timepoint.DISCHARGE, Timepoint.FOLLOWUP)
