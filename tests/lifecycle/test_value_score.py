"""The value score and its components (defaults: weights 40/20/15/15/10; 5 products, 15
customers and 1,095 days of tenure for a full component)."""
import pytest

from lifecycle.models import LifecycleSettings, LifecycleSnapshot, PartnerLifecycle
from partners.choices import PartnerStatus
from tests import factories as f

from .conftest import D, days_before

pytestmark = pytest.mark.django_db


def snap(partner):
    return LifecycleSnapshot.objects.get(partner=partner, as_of=D)


def sa(**kwargs):
    kwargs.setdefault("joined_on", days_before(800))
    return f.PartnerFactory(partner_type=f.partner_type("SA"), **kwargs)


def test_percentile_within_type_with_ties(sell, run_job):
    amounts = ["100.00", "200.00", "200.00", "400.00", "800.00"]
    partners = [sa() for _ in amounts]
    for partner, amount in zip(partners, amounts):
        sell(partner, days_before(5), amount)
    isv = f.PartnerFactory(partner_type=f.partner_type("ISV"), joined_on=days_before(800))
    sell(isv, days_before(5), "1.00")
    prospect = sa(status=PartnerStatus.PROSPECT)
    sell(prospect, days_before(5), "99999.00")
    run_job(D)
    # RANK ascending: 1, 2, 2, 4, 5 of n = 5 -> 100·(rank−1)/(n−1)
    assert [snap(p).sales_percentile for p in partners] == [0, 25, 25, 75, 100]
    assert snap(isv).sales_percentile == 100  # alone in its type, with sales
    assert snap(prospect).sales_percentile == 0  # prospects are not ranked
    assert not snap(prospect).in_population


@pytest.mark.parametrize(
    "prior, recent, growth",
    [
        ("1000.00", "1500.00", 75),
        ("1000.00", "2000.00", 100),
        ("1000.00", "5000.00", 100),
        ("1000.00", "1000.00", 50),
        ("1000.00", "300.00", 15),
        ("1000.00", None, 0),
        (None, "10.00", 100),
    ],
)
def test_growth_component(sell, run_job, prior, recent, growth):
    partner = sa()
    if prior:
        sell(partner, days_before(120), prior)
    if recent:
        sell(partner, days_before(5), recent)
    run_job(D)
    assert snap(partner).growth_score == growth


def test_breadth_customers_tenure_and_the_weighted_score(sell, run_job):
    partner = sa(joined_on=days_before(365))
    products = [f.ProductFactory() for _ in range(3)]
    for n in range(6):
        sell(partner, days_before(5 + n), "1000.00", product_=products[n % 3], customer=f"客户{n}")
    sell(partner, days_before(400), "1000.00", product_=f.ProductFactory(), customer="老客户")  # outside 12 months
    run_job(D)
    s = snap(partner)
    assert (s.products_12m, s.customers_12m) == (3, 6)
    assert (s.breadth_score, s.customer_score, s.tenure_score) == (60, 40, 33)
    assert s.sales_percentile == 100 and s.growth_score == 100
    assert s.value_score == (40 * 100 + 20 * 100 + 15 * 60 + 15 * 40 + 10 * 33) // 100
    state = PartnerLifecycle.objects.get(partner=partner)
    assert (state.value_score, state.breadth_score, state.sales_percentile) == (s.value_score, 60, 100)


def test_weights_come_from_the_settings(sell, run_job):
    settings = LifecycleSettings.load()
    settings.weight_sales, settings.weight_growth, settings.weight_breadth = 0, 0, 0
    settings.weight_customers, settings.weight_tenure = 0, 1
    settings.save()
    partner = sa(joined_on=days_before(1095))
    sell(partner, days_before(5))
    run_job(D)
    assert snap(partner).value_score == 100
