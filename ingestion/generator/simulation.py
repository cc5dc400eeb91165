"""Simulate the sample company: the company-wide records, then each block's customers.

Later steps read earlier ones, never the other way. Everything that exists once for the whole
company (exchange rates, sales team, catalogue, consultants, campaigns) is built first; each
block of customers then gets its organisations, CRM records, orders, projects and invoices.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingestion.generator.behaviour import Behaviour, draw_behaviour
from ingestion.generator.blocks import Block
from ingestion.generator.crm_accounts import accounts_table, number_accounts
from ingestion.generator.crm_campaigns import Campaigns, build_campaigns, campaigns_table
from ingestion.generator.crm_contacts import build_contacts
from ingestion.generator.crm_deletions import contacts_table, with_deleted_opportunities
from ingestion.generator.crm_engagement import activities_table, cases_table
from ingestion.generator.crm_leads import attribute_org_leads, leads_table
from ingestion.generator.crm_pipeline import build_pipeline
from ingestion.generator.crm_team import Team, assign_owners, build_team, users_table
from ingestion.generator.defect_profiles import DefectProfile
from ingestion.generator.erp_billing import Billing, build_billing
from ingestion.generator.erp_catalogue import Catalogue, build_catalogue
from ingestion.generator.erp_customers import ErpCustomers, build_erp_customers, customers_table
from ingestion.generator.erp_projects import (
    Projects,
    build_projects,
    projects_table,
    timesheets_table,
)
from ingestion.generator.erp_sales import (
    Sales,
    build_sales,
    sales_order_lines_table,
    sales_orders_table,
)
from ingestion.generator.erp_staff import build_employees
from ingestion.generator.fx import FxRates, build_fx_rates
from ingestion.generator.ledger import customer_entries
from ingestion.generator.org_defects import OrgDefects, plan_org_defects
from ingestion.generator.organisations import NameDraws, Organisations, build_organisations
from ingestion.generator.subscriptions import Subscriptions, build_subscriptions
from ingestion.generator.timeline import NO_DAY, Timeline, last_day

# A customer with no order for a year is flagged Former Customer in the CRM.
CHURN_AFTER_DAYS = 365
# Account management and support go on for two months after the last order or subscription month.
SERVED_AFTER_DAYS = 60


@dataclass(frozen=True)
class SharedCompany:
    """What exists once for the whole company, whatever the block."""

    timeline: Timeline
    fx: FxRates
    team: Team
    catalogue: Catalogue
    employees: pl.DataFrame
    campaigns: Campaigns

    def tables(self) -> dict[str, pl.DataFrame]:
        """The company-wide entity tables (the ledger's company part is written separately)."""
        return {
            "crm.users": users_table(self.team, self.timeline),
            "crm.campaigns": campaigns_table(self.campaigns),
            "erp.products": self.catalogue.products,
            "erp.product_costs": self.catalogue.costs,
            "erp.employees": self.employees,
            "erp.fx_rates": self.fx.table(),
        }


def simulate_shared(customers: int, seed: int, timeline: Timeline) -> SharedCompany:
    """Build the company-wide records, sized to the whole customer base."""
    return SharedCompany(
        timeline=timeline,
        fx=build_fx_rates(timeline, seed),
        team=build_team(customers, seed),
        catalogue=build_catalogue(timeline, seed),
        employees=build_employees(customers, timeline, seed),
        campaigns=build_campaigns(customers, timeline, seed),
    )


@dataclass(frozen=True)
class BlockSimulation:
    """One block's entity tables and what the ground truth needs.

    Tables hold the contract columns, `_extract_on` and the defect tags.
    """

    tables: dict[str, pl.DataFrame]
    organisations: Organisations
    account_ids: pl.Series
    duplicate_account_ids: pl.Series
    defects: OrgDefects
    customers: ErpCustomers
    billing: Billing
    projects: Projects
    behaviour: Behaviour
    subscriptions: Subscriptions
    sales: Sales

    @property
    def first_order_days(self) -> np.ndarray:
        """First order day of each customer organisation (for the company's growth)."""
        return self.customers.col("first_order_day")[: self.customers.n_primary]


def simulate_block(
    block: Block,
    shared: SharedCompany,
    names: NameDraws,
    profile: DefectProfile,
    timeline: Timeline,
) -> BlockSimulation:
    """Run one block's history: organisations, CRM, orders, projects, invoices, payments."""
    orgs = build_organisations(block, timeline, names)
    behaviour = draw_behaviour(orgs.col("segment_idx"), block)
    defects = plan_org_defects(orgs, profile, block, timeline)
    team = shared.team
    owners = assign_owners(orgs, team, block)
    owner_ids = team.frame["user_id"].gather(owners)
    attribution = attribute_org_leads(orgs, shared.campaigns, timeline, block)
    erp_customers = build_erp_customers(orgs, defects, block)
    reps = team.frame["name"].gather(owners[erp_customers.col("org_idx")])
    subscriptions = build_subscriptions(
        erp_customers, behaviour, shared.catalogue, shared.fx, timeline, block
    )
    sales = build_sales(
        erp_customers, shared.catalogue, shared.fx, reps, behaviour, subscriptions, timeline, block
    )
    projects = build_projects(
        erp_customers, shared.employees, shared.catalogue, shared.fx, behaviour, timeline, block
    )
    billing = build_billing(
        sales, projects, subscriptions, erp_customers, behaviour, profile, timeline, block
    )
    account_ids, duplicate_ids = number_accounts(orgs, defects, block)
    pipeline = build_pipeline(
        orgs, attribution, shared.campaigns, account_ids, owner_ids, sales, timeline, block
    )
    contacts, duplicate_contacts = build_contacts(orgs, account_ids, duplicate_ids, defects, block)
    churn_day = _churn_days(orgs, sales.orders)
    served_until = _served_until(orgs, sales.orders, subscriptions, erp_customers)
    activities = activities_table(
        orgs, account_ids, owners, team, contacts, behaviour, served_until, timeline, block
    )
    tables = {
        "crm.accounts": accounts_table(
            orgs, account_ids, duplicate_ids, owner_ids, erp_customers, churn_day, defects, block
        ),
        "crm.contacts": contacts_table(
            contacts,
            duplicate_contacts,
            account_ids,
            orgs,
            defects,
            activities,
            block,
            timeline,
        ),
        "crm.leads": leads_table(
            orgs,
            attribution,
            account_ids,
            pipeline.new_business_ids,
            shared.campaigns,
            timeline,
            block,
        ),
        "crm.opportunities": with_deleted_opportunities(pipeline.table, block, timeline),
        "crm.activities": activities,
        "crm.cases": cases_table(
            orgs, account_ids, contacts, behaviour, served_until, timeline, block
        ),
        "erp.customers": customers_table(erp_customers),
        "erp.sales_orders": sales_orders_table(sales, pipeline.order_opportunity_ids),
        "erp.sales_order_lines": sales_order_lines_table(sales),
        "erp.invoices": billing.invoices,
        "erp.invoice_lines": billing.invoice_lines,
        "erp.payments": billing.payments,
        "erp.projects": projects_table(projects),
        "erp.timesheets": timesheets_table(projects),
        "erp.gl_entries": customer_entries(sales, billing, erp_customers, shared.fx, block),
    }
    return BlockSimulation(
        tables=tables,
        organisations=orgs,
        account_ids=account_ids,
        duplicate_account_ids=duplicate_ids,
        defects=defects,
        customers=erp_customers,
        billing=billing,
        projects=projects,
        behaviour=behaviour,
        subscriptions=subscriptions,
        sales=sales,
    )


def _churn_days(orgs: Organisations, orders: pl.DataFrame) -> np.ndarray:
    """Per organisation, a year after its last order (NO_DAY for organisations without one)."""
    last = orders.group_by("org_idx").agg(pl.col("order_day").max())
    churn = np.full(orgs.size, NO_DAY, dtype=np.int64)
    churn[last["org_idx"].to_numpy()] = last["order_day"].to_numpy() + CHURN_AFTER_DAYS
    return churn


def _served_until(
    orgs: Organisations, orders: pl.DataFrame, subscriptions: Subscriptions, customers: ErpCustomers
) -> np.ndarray:
    """Per organisation, `SERVED_AFTER_DAYS` after its last order or subscription invoice."""
    last = np.full(orgs.size, NO_DAY, dtype=np.int64)
    np.maximum.at(last, orders["org_idx"].to_numpy(), orders["order_day"].to_numpy())
    lines = subscriptions.lines
    org = customers.col("org_idx")[lines["cust_row"].to_numpy()]
    np.maximum.at(last, org, last_day(lines["month"].to_numpy()))
    return np.where(last > NO_DAY, last + SERVED_AFTER_DAYS, NO_DAY)
