"""What the reports keep beside the records to answer quickly: the stored questionnaire scores."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionnaireScores(models.Model):
    """The item values and part-scores of one questionnaire that the evaluation report
    pairs between entry and discharge, kept beside the item values.

    The report pivots every questionnaire's entry and discharge scores per episode in
    one pass over this table (one row per administration) instead of one pass per
    instrument over the national item-value table. Every write of item values refreshes
    the rows of its administrations (:func:`vocrehab.reports.scores.refresh_scores`);
    deleting an administration deletes its row.
    """

    administration = models.OneToOneField(
        "measures.Administration",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="scores",
    )
    # EQ-5D (3L and 5L): the level of each dimension, and the visual analogue scale.
    mobility = models.FloatField(null=True)
    self_care = models.FloatField(null=True)
    usual_activities = models.FloatField(null=True)
    pain_discomfort = models.FloatField(null=True)
    anxiety_depression = models.FloatField(null=True)
    vas = models.FloatField(null=True)
    # HADS: the sum and number of answered items per subscale, and recorded totals.
    hads_anxiety_sum = models.FloatField(null=True)
    hads_anxiety_items = models.IntegerField(default=0)
    hads_depression_sum = models.FloatField(null=True)
    hads_depression_items = models.IntegerField(default=0)
    hads_anxiety = models.FloatField(null=True)
    hads_depression = models.FloatField(null=True)
    # COPM: the mean over the problems rated, and the recorded scores.
    copm_performance_problems = models.FloatField(null=True)
    copm_satisfaction_problems = models.FloatField(null=True)
    copm_performance = models.FloatField(null=True)
    copm_satisfaction = models.FloatField(null=True)
    # Work confidence and health service use: one value per item.
    working = models.FloatField(null=True)
    managing_condition = models.FloatField(null=True)
    work_impact = models.FloatField(null=True)
    gp_visits = models.FloatField(null=True)
    outpatient_visits = models.FloatField(null=True)
    hospital_stays = models.FloatField(null=True)
    # Satisfaction survey: the answer to each question the report counts.
    satisfaction_overall = models.FloatField(null=True)
    satisfaction_helpful = models.FloatField(null=True)
    satisfaction_involved = models.FloatField(null=True)
    satisfaction_positive_impact = models.FloatField(null=True)
    satisfaction_recommend = models.FloatField(null=True)
    satisfaction_use_again = models.FloatField(null=True)

    class Meta:
        verbose_name = _("questionnaire scores")
        verbose_name_plural = _("questionnaire scores")

    def __str__(self):
        return f"scores of administration {self.administration_id}"
