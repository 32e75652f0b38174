"""Support fixtures: the seeded centres, a centre's staff, and a helper that opens tickets."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from partners.choices import Role
from support import services
from support.choices import Category, Priority
from support.models import ServiceCentre
from tests import factories as f

SH = ZoneInfo("Asia/Shanghai")


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


@pytest.fixture
def centres(db):
    return {centre.code: centre for centre in ServiceCentre.objects.all()}


@pytest.fixture
def centre_head(db, centres):
    """Head of the business agent service centre (业务代理服务中心)."""
    head = f.UserFactory(username="bas-head", role=Role.PRODUCT_MANAGER)
    centres["BAS"].head = head
    centres["BAS"].save()
    return head


@pytest.fixture
def agent(db, centres):
    """A product manager who works in the business agent service centre."""
    user = f.UserFactory(username="bas-agent", role=Role.PRODUCT_MANAGER)
    centres["BAS"].members.add(user)
    return user


@pytest.fixture
def product_a(db, partner_a):
    product = f.ProductFactory(code="QXT", name="Enterprise SMS", name_zh="企信通")
    partner_a.authorised_products.add(product)
    return product


@pytest.fixture
def open_ticket(db, admin_user):
    """open_ticket(partner, when=..., **fields) -> a ticket opened through the service."""

    def make(partner, *, by=None, when=None, category=Category.SALES, priority=Priority.NORMAL, **fields):
        fields.setdefault("subject", "需要销售支持")
        fields.setdefault("description", "请协助准备客户方案。")
        return services.ticket_open(
            by=by or admin_user, partner=partner, category=category, priority=priority, now=when, **fields
        )

    return make
