"""The survey tables, then their reference rows: the five categories, the report's 12 factors with
their default weights (percent shares), and the standing "after a resolved support request" campaign.

`load` is idempotent and leaves edited rows (weights, names) alone; tests/conftest.py runs it
again after a flush (REFERENCE_LOADERS).
"""

import datetime

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

from support.surveys.choices import CATEGORIES, FACTOR_DESCRIPTIONS, FACTORS, TICKET_CAMPAIGN_CODE, TICKET_FACTORS


def load(apps, schema_editor):
    SurveyCategory = apps.get_model("surveys", "SurveyCategory")
    SurveyFactor = apps.get_model("surveys", "SurveyFactor")
    Campaign = apps.get_model("surveys", "Campaign")
    categories = {}
    for order, (code, name, name_zh) in enumerate(CATEGORIES, start=1):
        categories[code], _ = SurveyCategory.objects.get_or_create(
            code=code, defaults={"name": name, "name_zh": name_zh, "sort_order": order}
        )
    for order, (code, name, name_zh, category, weight) in enumerate(FACTORS, start=1):
        description, description_zh = FACTOR_DESCRIPTIONS.get(code, ("", ""))
        factor, _ = SurveyFactor.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_zh": name_zh, "category": categories[category],
                      "weight": Decimal(weight), "sort_order": order, "description": description,
                      "description_zh": description_zh},
        )
        if not factor.description and not factor.description_zh and description:  # filled once, never overwritten
            SurveyFactor.objects.filter(pk=factor.pk).update(description=description, description_zh=description_zh)
    if not Campaign.objects.filter(code=TICKET_CAMPAIGN_CODE).exists():
        campaign = Campaign.objects.create(
            code=TICKET_CAMPAIGN_CODE, kind="ticket", status="open", opens_on=datetime.date(2000, 1, 1),
            name="After a resolved support request", name_zh="支持请求解决后回访",
            remind_every_days=3, max_reminders=1, launched_at=django.utils.timezone.now(),
        )
        campaign.factors.set(SurveyFactor.objects.filter(code__in=TICKET_FACTORS))


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('partners', '0004_sale_date_plausible'),
        ('support', '0002_reference_data'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SurveyCategory',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='name (English)')),
                ('name_zh', models.CharField(max_length=100, verbose_name='name (Chinese)')),
                ('code', models.SlugField(max_length=20, unique=True, verbose_name='code')),
                ('sort_order', models.PositiveSmallIntegerField(default=0, verbose_name='sort order')),
            ],
            options={
                'verbose_name': 'survey category',
                'verbose_name_plural': 'survey categories',
                'ordering': ['sort_order', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Campaign',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='name (English)')),
                ('name_zh', models.CharField(blank=True, max_length=100, verbose_name='name (Chinese)')),
                ('code', models.SlugField(blank=True, help_text='Set on built-in campaigns only.', max_length=40, null=True, unique=True, verbose_name='code')),
                ('kind', models.CharField(choices=[('periodic', 'Periodic survey'), ('ticket', 'After a resolved support request')], default='periodic', max_length=10, verbose_name='kind')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('open', 'Open'), ('closed', 'Closed')], default='draft', max_length=10, verbose_name='status')),
                ('opens_on', models.DateField(verbose_name='opens on')),
                ('closes_on', models.DateField(blank=True, help_text='Last day for answers. Empty: open until closed.', null=True, verbose_name='closes on')),
                ('remind_every_days', models.PositiveSmallIntegerField(default=7, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(90)], verbose_name='remind every (days)')),
                ('max_reminders', models.PositiveSmallIntegerField(default=2, validators=[django.core.validators.MaxValueValidator(10)], verbose_name='reminders at most')),
                ('target_cooperation_models', models.JSONField(blank=True, default=list, help_text='Empty: all cooperation models.', verbose_name='cooperation models')),
                ('target_tiers', models.JSONField(blank=True, default=list, help_text='Empty: all tiers.', verbose_name='certification tiers')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('launched_at', models.DateTimeField(blank=True, null=True, verbose_name='launched')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('target_cities', models.ManyToManyField(blank=True, help_text='Empty: all city branches.', related_name='+', to='partners.citybranch', verbose_name='city branches')),
                ('target_partner_types', models.ManyToManyField(blank=True, help_text='Empty: all partner types.', related_name='+', to='partners.partnertype', verbose_name='partner types')),
            ],
            options={
                'verbose_name': 'survey campaign',
                'verbose_name_plural': 'survey campaigns',
                'ordering': ['-opens_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Invitation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('pending', 'Not answered yet'), ('answered', 'Answered'), ('expired', 'Expired')], default='pending', max_length=10, verbose_name='status')),
                ('invited_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='invited')),
                ('reminders_sent', models.PositiveSmallIntegerField(default=0, verbose_name='reminders sent')),
                ('last_reminded_at', models.DateTimeField(blank=True, null=True, verbose_name='last reminded')),
                ('last_reminded_on', models.DateField(blank=True, null=True, verbose_name='last reminder run')),
                ('answered_at', models.DateTimeField(blank=True, null=True, verbose_name='answered')),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='surveys.campaign', verbose_name='campaign')),
                ('partner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='survey_invitations', to='partners.partner', verbose_name='partner')),
                ('ticket', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='survey_invitations', to='support.ticket', verbose_name='support request')),
            ],
            options={
                'verbose_name': 'survey invitation',
                'verbose_name_plural': 'survey invitations',
                'ordering': ['-invited_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Response',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('submitted_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='submitted')),
                ('comment', models.TextField(blank=True, max_length=2000, verbose_name='comment')),
                ('cooperation_model', models.CharField(max_length=30, verbose_name='cooperation model')),
                ('tier', models.CharField(max_length=20, verbose_name='certification tier')),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='responses', to='surveys.campaign', verbose_name='campaign')),
                ('city', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='partners.citybranch', verbose_name='city branch')),
                ('invitation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='responses', to='surveys.invitation', verbose_name='invitation')),
                ('partner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='survey_responses', to='partners.partner', verbose_name='partner')),
                ('partner_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='partners.partnertype', verbose_name='partner type')),
                ('respondent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='survey_responses', to=settings.AUTH_USER_MODEL, verbose_name='respondent')),
            ],
            options={
                'verbose_name': 'survey response',
                'verbose_name_plural': 'survey responses',
                'ordering': ['-submitted_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='SurveyFactor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='name (English)')),
                ('name_zh', models.CharField(max_length=100, verbose_name='name (Chinese)')),
                ('code', models.SlugField(max_length=40, unique=True, verbose_name='code')),
                ('description', models.CharField(blank=True, max_length=300, verbose_name='description (English)')),
                ('description_zh', models.CharField(blank=True, max_length=300, verbose_name='description (Chinese)')),
                ('weight', models.DecimalField(decimal_places=2, default=Decimal('0'), help_text='Share of this factor in the satisfaction index. Need not add up to 100: the index divides by the sum of the weights.', max_digits=6, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('1000'))], verbose_name='weight (%)')),
                ('active', models.BooleanField(default=True, verbose_name='active')),
                ('sort_order', models.PositiveSmallIntegerField(default=0, verbose_name='sort order')),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='factors', to='surveys.surveycategory', verbose_name='category')),
            ],
            options={
                'verbose_name': 'survey factor',
                'verbose_name_plural': 'survey factors',
                'ordering': ['category__sort_order', 'sort_order', 'id'],
            },
        ),
        migrations.AddField(
            model_name='campaign',
            name='factors',
            field=models.ManyToManyField(related_name='campaigns', to='surveys.surveyfactor', verbose_name='factors'),
        ),
        migrations.CreateModel(
            name='Answer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('importance', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='importance')),
                ('satisfaction', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='satisfaction')),
                ('response', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='surveys.response', verbose_name='response')),
                ('factor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='answers', to='surveys.surveyfactor', verbose_name='factor')),
            ],
            options={
                'verbose_name': 'survey answer',
                'verbose_name_plural': 'survey answers',
                'ordering': ['response', 'factor'],
            },
        ),
        migrations.AddIndex(
            model_name='invitation',
            index=models.Index(fields=['campaign', 'status'], name='surveys_inv_campaig_81f02a_idx'),
        ),
        migrations.AddIndex(
            model_name='invitation',
            index=models.Index(fields=['partner', 'status'], name='surveys_inv_partner_6e61b9_idx'),
        ),
        migrations.AddConstraint(
            model_name='invitation',
            constraint=models.UniqueConstraint(condition=models.Q(('ticket__isnull', True)), fields=('campaign', 'partner'), name='survey_invitation_once_per_campaign'),
        ),
        migrations.AddConstraint(
            model_name='invitation',
            constraint=models.UniqueConstraint(condition=models.Q(('ticket__isnull', False)), fields=('ticket',), name='survey_invitation_once_per_ticket'),
        ),
        migrations.AddIndex(
            model_name='response',
            index=models.Index(fields=['campaign', 'submitted_at'], name='surveys_res_campaig_11fe3c_idx'),
        ),
        migrations.AddIndex(
            model_name='response',
            index=models.Index(fields=['partner', 'submitted_at'], name='surveys_res_partner_5d08b8_idx'),
        ),
        migrations.AddConstraint(
            model_name='response',
            constraint=models.UniqueConstraint(fields=('invitation', 'respondent'), name='survey_response_once_per_respondent'),
        ),
        migrations.AddConstraint(
            model_name='surveyfactor',
            constraint=models.CheckConstraint(condition=models.Q(('weight__gte', 0)), name='survey_factor_weight_non_negative'),
        ),
        migrations.AddIndex(
            model_name='campaign',
            index=models.Index(fields=['status', 'kind'], name='surveys_cam_status_10df77_idx'),
        ),
        migrations.AddConstraint(
            model_name='campaign',
            constraint=models.CheckConstraint(condition=models.Q(('closes_on__isnull', True), ('closes_on__gte', models.F('opens_on')), _connector='OR'), name='survey_campaign_closes_after_opens'),
        ),
        migrations.AddIndex(
            model_name='answer',
            index=models.Index(fields=['factor', 'response'], name='surveys_ans_factor__1fb672_idx'),
        ),
        migrations.AddConstraint(
            model_name='answer',
            constraint=models.UniqueConstraint(fields=('response', 'factor'), name='survey_answer_once_per_factor'),
        ),
        migrations.AddConstraint(
            model_name='answer',
            constraint=models.CheckConstraint(condition=models.Q(('importance__gte', 1), ('importance__lte', 5)), name='survey_answer_importance_1_5'),
        ),
        migrations.AddConstraint(
            model_name='answer',
            constraint=models.CheckConstraint(condition=models.Q(('satisfaction__gte', 1), ('satisfaction__lte', 5)), name='survey_answer_satisfaction_1_5'),
        ),
        migrations.CreateModel(
            name='SurveyEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=20, verbose_name='kind')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                ('details', models.JSONField(blank=True, default=dict, verbose_name='details')),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('campaign', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='surveys.campaign', verbose_name='campaign')),
                ('factor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='surveys.surveyfactor', verbose_name='factor')),
            ],
            options={
                'verbose_name': 'survey event',
                'verbose_name_plural': 'survey events',
                'ordering': ['-at', '-id'],
            },
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
