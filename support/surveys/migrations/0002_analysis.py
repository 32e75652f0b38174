"""Survey analysis tables: the prepared IPA cube (AnswerAggregate) and the per-partner
weighted satisfaction index (PartnerSatisfaction)."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('partners', '0004_sale_date_plausible'),
        ('surveys', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='AnswerAggregate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('cooperation_model', models.CharField(max_length=30, verbose_name='cooperation model')),
                ('tier', models.CharField(max_length=20, verbose_name='certification tier')),
                ('answers', models.PositiveIntegerField(default=0, verbose_name='answers')),
                ('importance_sum', models.PositiveIntegerField(default=0, verbose_name='sum of importance')),
                ('satisfaction_sum', models.PositiveIntegerField(default=0, verbose_name='sum of satisfaction')),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='surveys.campaign', verbose_name='campaign')),
                ('city', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='partners.citybranch', verbose_name='city branch')),
                ('factor', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='surveys.surveyfactor', verbose_name='factor')),
                ('partner_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='partners.partnertype', verbose_name='partner type')),
            ],
            options={
                'verbose_name': 'survey answer aggregate',
                'verbose_name_plural': 'survey answer aggregates',
                'constraints': [models.UniqueConstraint(fields=('campaign', 'factor', 'partner_type', 'cooperation_model', 'tier', 'city'), name='survey_aggregate_one_cell')],
            },
        ),
        migrations.CreateModel(
            name='PartnerSatisfaction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('as_of', models.DateField(verbose_name='as of')),
                ('index', models.DecimalField(decimal_places=2, max_digits=5, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='satisfaction index')),
                ('responses', models.PositiveIntegerField(default=0, verbose_name='responses')),
                ('category_scores', models.JSONField(blank=True, default=dict, verbose_name='category scores')),
                ('partner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='satisfaction_indexes', to='partners.partner', verbose_name='partner')),
            ],
            options={
                'verbose_name': 'partner satisfaction index',
                'verbose_name_plural': 'partner satisfaction indexes',
                'ordering': ['-as_of', 'partner_id'],
                'indexes': [models.Index(fields=['as_of', 'index'], name='surveys_par_as_of_b37d5c_idx')],
                'constraints': [models.UniqueConstraint(fields=('partner', 'as_of'), name='survey_satisfaction_once_per_day')],
            },
        ),
    ]
