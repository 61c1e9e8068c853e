

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# The episode core moved out of casework (Episode, TierChange) and reports (WorkingDay)
# into the episodes app. Each model keeps its table (Meta.db_table), so this changes no
# table, column, index or row: existing databases upgrade in place.

class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('reports', '0002_questionnaire_scores'),
        ('casework', '0006_redundant_fk_indexes'),
        ('accounts', '0001_initial'),
        ('clients', '0004_name_search_index_c_collation'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are: only Django's picture of the models changes.
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Episode',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('version', models.PositiveIntegerField(default=1, editable=False)),
                        ('reference', models.CharField(max_length=64, verbose_name='episode reference')),
                        ('referral_date', models.DateField(verbose_name='referral received')),
                        ('referral_source', models.CharField(choices=[('acute_nhs', 'Hospital clinician, nurse specialist or AHP'), ('primary_care', 'GP or primary care'), ('self', 'Self-referral'), ('macmillan', 'Macmillan service (including benefits advice)'), ('voluntary', 'Other charity or support group'), ('employer', 'Employer'), ('occupational_health', 'Occupational health'), ('jobcentre', 'DWP, Jobcentre Plus or employability programme'), ('local_authority', 'Local authority'), ('other', 'Other')], max_length=24, verbose_name='referral source')),
                        ('referrer_name', models.CharField(blank=True, max_length=200, verbose_name="referrer's name")),
                        ('referrer_role', models.CharField(blank=True, max_length=200, verbose_name="referrer's role")),
                        ('referrer_organisation', models.CharField(blank=True, max_length=200, verbose_name="referrer's organisation")),
                        ('referrer_email', models.EmailField(blank=True, max_length=254, verbose_name="referrer's email")),
                        ('referrer_phone', models.CharField(blank=True, max_length=40, verbose_name="referrer's phone")),
                        ('consent_to_contact', models.BooleanField(null=True, verbose_name='consents to be contacted')),
                        ('consent_to_share', models.BooleanField(null=True, verbose_name='consents to information sharing')),
                        ('first_contact_date', models.DateField(blank=True, null=True, verbose_name='first contact')),
                        ('assessment_date', models.DateField(blank=True, null=True, verbose_name='initial assessment')),
                        ('sex', models.CharField(blank=True, choices=[('female', 'Female'), ('male', 'Male'), ('other', 'Other'), ('not_stated', 'Not stated')], max_length=12, verbose_name='sex')),
                        ('age_at_referral', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='age at referral')),
                        ('ethnicity', models.CharField(blank=True, choices=[('A', 'White - British'), ('B', 'White - Irish'), ('C', 'White - Any other White background'), ('D', 'Mixed - White and Black Caribbean'), ('E', 'Mixed - White and Black African'), ('F', 'Mixed - White and Asian'), ('G', 'Mixed - Any other mixed background'), ('H', 'Asian or Asian British - Indian'), ('J', 'Asian or Asian British - Pakistani'), ('K', 'Asian or Asian British - Bangladeshi'), ('L', 'Asian or Asian British - Any other Asian background'), ('M', 'Black or Black British - Caribbean'), ('N', 'Black or Black British - African'), ('P', 'Black or Black British - Any other Black background'), ('R', 'Other ethnic groups - Chinese'), ('S', 'Other ethnic groups - Any other ethnic group'), ('Z', 'Not stated')], max_length=1, verbose_name='ethnic group')),
                        ('area_code', models.CharField(blank=True, max_length=9, verbose_name='area code')),
                        ('deprivation_index', models.CharField(blank=True, choices=[('simd2020', 'Scottish Index of Multiple Deprivation 2020'), ('imd2019', 'English Index of Multiple Deprivation 2019'), ('imd2025', 'English Index of Multiple Deprivation 2025'), ('wimd2019', 'Welsh Index of Multiple Deprivation 2019'), ('nimdm2017', 'Northern Ireland Multiple Deprivation Measure 2017')], max_length=10, verbose_name='deprivation index')),
                        ('deprivation_rank', models.PositiveIntegerField(blank=True, null=True, verbose_name='deprivation rank')),
                        ('deprivation_decile', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='deprivation decile')),
                        ('condition', models.CharField(choices=[('cancer', 'Cancer'), ('ms', 'Multiple sclerosis'), ('ibd', 'Inflammatory bowel disease'), ('copd', 'Chronic obstructive pulmonary disease'), ('other', 'Other long-term condition')], max_length=8, verbose_name='condition')),
                        ('condition_detail', models.CharField(blank=True, help_text='For cancer, the ICD-10 site code, for example C50 (breast).', max_length=100, verbose_name='condition detail')),
                        ('diagnosis_date', models.DateField(blank=True, null=True, verbose_name='diagnosis date')),
                        ('occupation', models.CharField(blank=True, choices=[('1', 'Managers, directors and senior officials'), ('2', 'Professional occupations'), ('3', 'Associate professional occupations'), ('4', 'Administrative and secretarial occupations'), ('5', 'Skilled trades occupations'), ('6', 'Caring, leisure and other service occupations'), ('7', 'Sales and customer service occupations'), ('8', 'Process, plant and machine operatives'), ('9', 'Elementary occupations'), ('unemployed', 'Unemployed'), ('student', 'Student'), ('retired', 'Retired'), ('other', 'Other'), ('not_known', 'Not known')], max_length=12, verbose_name='occupation')),
                        ('job_title', models.CharField(blank=True, max_length=200, verbose_name='job title')),
                        ('employer_name', models.CharField(blank=True, max_length=200, verbose_name='employer')),
                        ('work_status_at_referral', models.CharField(choices=[('at_work', 'At work (including phased return)'), ('self_employed', 'Self-employed'), ('off_sick', 'Employed, off sick'), ('unemployed', 'Unemployed'), ('retired', 'Retired (including ill-health retirement)'), ('education', 'In education'), ('volunteering', 'Volunteering'), ('deceased', 'Deceased'), ('not_known', 'Not known')], max_length=16, verbose_name='work status at referral')),
                        ('weeks_absent_at_referral', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='weeks of sickness absence at referral')),
                        ('main_reason', models.CharField(choices=[('return_from_sickness', 'Help to get back to work from sickness absence'), ('stay_in_work', 'Help to stay in work'), ('change_job', 'Help to change job'), ('leave_work', 'Help to leave work'), ('find_work', 'Help to find work'), ('third_party', 'Support for a family member or carer')], max_length=24, verbose_name='main reason for coming')),
                        ('tier', models.CharField(blank=True, choices=[('1', 'Tier 1: self-help'), ('2', 'Tier 2: moderate support'), ('3', 'Tier 3: intensive case management')], help_text='Empty until allocated.', max_length=1, verbose_name='current tier')),
                        ('highest_tier', models.CharField(blank=True, choices=[('1', 'Tier 1: self-help'), ('2', 'Tier 2: moderate support'), ('3', 'Tier 3: intensive case management')], max_length=1, verbose_name='highest tier reached')),
                        ('engagement', models.CharField(blank=True, choices=[('engaged', 'Engaged'), ('did_not_engage', 'Did not engage (never assessed)'), ('withdrew', 'Withdrew early')], max_length=16, verbose_name='engagement')),
                        ('discharge_date', models.DateField(blank=True, null=True, verbose_name='discharge date')),
                        ('work_status_at_discharge', models.CharField(blank=True, choices=[('at_work', 'At work (including phased return)'), ('self_employed', 'Self-employed'), ('off_sick', 'Employed, off sick'), ('unemployed', 'Unemployed'), ('retired', 'Retired (including ill-health retirement)'), ('education', 'In education'), ('volunteering', 'Volunteering'), ('deceased', 'Deceased'), ('not_known', 'Not known')], max_length=16, verbose_name='work status at discharge')),
                        ('discharge_reason', models.CharField(blank=True, max_length=255, verbose_name='discharge reason')),
                        ('followup_date', models.DateField(blank=True, null=True, verbose_name='six-month follow-up')),
                        ('work_status_at_followup', models.CharField(blank=True, choices=[('at_work', 'At work (including phased return)'), ('self_employed', 'Self-employed'), ('off_sick', 'Employed, off sick'), ('unemployed', 'Unemployed'), ('retired', 'Retired (including ill-health retirement)'), ('education', 'In education'), ('volunteering', 'Volunteering'), ('deceased', 'Deceased'), ('not_known', 'Not known')], max_length=16, verbose_name='work status at follow-up')),
                        ('extensions', models.JSONField(blank=True, default=dict, verbose_name='local extension columns')),
                        ('case_manager', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='caseload', to=settings.AUTH_USER_MODEL, verbose_name='case manager or support worker')),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='episodes', to='clients.client')),
                        ('previous_episode', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='re_referrals', to='episodes.episode', verbose_name='earlier episode (re-referral of)')),
                        ('service', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='episodes', to='accounts.service')),
                    ],
                    options={
                        'verbose_name': 'episode',
                        'db_table': 'casework_episode',
                        'ordering': ['-referral_date', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='TierChange',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('version', models.PositiveIntegerField(default=1, editable=False)),
                        ('from_tier', models.CharField(blank=True, choices=[('1', 'Tier 1: self-help'), ('2', 'Tier 2: moderate support'), ('3', 'Tier 3: intensive case management')], max_length=1, verbose_name='from tier')),
                        ('to_tier', models.CharField(choices=[('1', 'Tier 1: self-help'), ('2', 'Tier 2: moderate support'), ('3', 'Tier 3: intensive case management')], max_length=1, verbose_name='to tier')),
                        ('changed_on', models.DateField(verbose_name='date')),
                        ('reason', models.TextField(blank=True, verbose_name='reason')),
                        ('changed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('episode', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tier_changes', to='episodes.episode')),
                    ],
                    options={
                        'verbose_name': 'tier change',
                        'db_table': 'casework_tierchange',
                        'ordering': ['changed_on', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='WorkingDay',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('nation', models.CharField(choices=[('england', 'England'), ('scotland', 'Scotland'), ('wales', 'Wales'), ('northern_ireland', 'Northern Ireland')], max_length=16, verbose_name='nation')),
                        ('date', models.DateField(verbose_name='date')),
                        ('index', models.IntegerField(help_text='Working days from the calendar epoch up to and including this date.', verbose_name='working-day index')),
                        ('is_working_day', models.BooleanField(verbose_name='working day')),
                    ],
                    options={
                        'verbose_name': 'calendar day',
                        'db_table': 'reports_workingday',
                        'constraints': [models.UniqueConstraint(fields=('nation', 'date'), name='unique_calendar_day')],
                    },
                ),
                migrations.AddIndex(
                    model_name='episode',
                    index=models.Index(fields=['service', 'referral_date'], name='casework_ep_service_6e9d91_idx'),
                ),
                migrations.AddIndex(
                    model_name='episode',
                    index=models.Index(fields=['service', 'discharge_date'], name='casework_ep_service_912696_idx'),
                ),
                migrations.AddIndex(
                    model_name='episode',
                    index=models.Index(fields=['case_manager', 'discharge_date'], name='casework_ep_case_ma_77c068_idx'),
                ),
                migrations.AddIndex(
                    model_name='episode',
                    index=models.Index(condition=models.Q(('discharge_date__isnull', True)), fields=['service', 'case_manager', 'tier'], name='episode_open_by_worker_tier'),
                ),
                migrations.AddIndex(
                    model_name='episode',
                    index=models.Index(condition=models.Q(('discharge_date__isnull', True), models.Q(('discharge_date__isnull', False), ('followup_date__isnull', False), ('work_status_at_followup', '')), _connector='OR'), fields=['service', 'case_manager'], name='episode_active_by_worker'),
                ),
                migrations.AddConstraint(
                    model_name='episode',
                    constraint=models.UniqueConstraint(fields=('service', 'reference'), name='unique_episode_reference_per_service'),
                ),
            ],
        ),
    ]
