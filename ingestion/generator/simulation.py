"""Simulate the sample company: every entity's rows, before they are cut into extracts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingestion.generator.crm_accounts import (
    accounts_table,
    build_contacts,
    contacts_table,
    number_accounts,
)
from ingestion.generator.crm_engagement import activities_table, cases_table
from ingestion.generator.crm_marketing import (
    attribute_org_leads,
    build_campaigns,
    campaigns_table,
    leads_table,
)
from ingestion.generator.crm_pipeline import build_pipeline
from ingestion.generator.crm_team import assign_owners, build_team, users_table
from ingestion.generator.erp_billing import build_billing
from ingestion.generator.erp_catalogue import build_catalogue
from ingestion.generator.erp_customers import ErpCustomers, build_erp_customers, customers_table
from ingestion.generator.erp_projects import build_projects, projects_table, timesheets_table
from ingestion.generator.erp_sales import build_sales, sales_order_lines_table, sales_orders_table
from ingestion.generator.erp_staff import build_employees
from ingestion.generator.fx import build_fx_rates
from ingestion.generator.ledger import gl_entries_table
from ingestion.generator.organisations import Organisations, build_organisations
from ingestion.generator.timeline import NO_DAY, Timeline

# A customer with no order for a year is flagged Former Customer in the CRM.
CHURN_AFTER_DAYS = 365


@dataclass(frozen=True)
class Simulation:
    """Rows per "source.entity" (contract columns plus `_extract_on`) and what the truth needs."""

    tables: dict[str, pl.DataFrame]
    organisations: Organisations
    account_ids: pl.Series
    customers: ErpCustomers


def simulate(customers: int, seed: int, timeline: Timeline) -> Simulation:
    """Run the whole company history; later steps read earlier ones, never the other way."""
    fx = build_fx_rates(timeline, seed)
    orgs = build_organisations(customers, timeline, seed)
    team = build_team(customers, seed)
    owners = assign_owners(orgs, team, seed)
    owner_ids = team.frame["user_id"].gather(owners)
    catalogue = build_catalogue(timeline, seed)
    employees = build_employees(customers, timeline, seed)
    campaigns = build_campaigns(customers, timeline, seed)
    attribution = attribute_org_leads(orgs, campaigns, timeline, seed)
    erp_customers = build_erp_customers(orgs, seed)
    reps = team.frame["name"].gather(owners[erp_customers.col("org_idx")])
    sales = build_sales(erp_customers, catalogue, fx, reps, timeline, seed)
    projects = build_projects(erp_customers, employees, catalogue, fx, timeline, seed)
    billing = build_billing(sales, projects, erp_customers, seed)
    account_ids = number_accounts(orgs)
    pipeline = build_pipeline(
        orgs, attribution, campaigns, account_ids, owner_ids, sales, timeline, seed
    )
    contacts = build_contacts(orgs, account_ids, seed)
    churn_day = _churn_days(orgs, sales.orders)
    tables = {
        "crm.users": users_table(team, timeline),
        "crm.accounts": accounts_table(
            orgs, account_ids, owner_ids, erp_customers, churn_day, seed
        ),
        "crm.contacts": contacts_table(contacts),
        "crm.campaigns": campaigns_table(campaigns),
        "crm.leads": leads_table(
            orgs,
            attribution,
            account_ids,
            pipeline.new_business_ids,
            campaigns,
            customers,
            timeline,
            seed,
        ),
        "crm.opportunities": pipeline.table,
        "crm.activities": activities_table(
            orgs, account_ids, owners, team, contacts, timeline, seed
        ),
        "crm.cases": cases_table(orgs, account_ids, contacts, timeline, seed),
        "erp.customers": customers_table(erp_customers),
        "erp.products": catalogue.products,
        "erp.product_costs": catalogue.costs,
        "erp.employees": employees,
        "erp.sales_orders": sales_orders_table(sales, pipeline.order_opportunity_ids),
        "erp.sales_order_lines": sales_order_lines_table(sales),
        "erp.invoices": billing.invoices,
        "erp.invoice_lines": billing.invoice_lines,
        "erp.payments": billing.payments,
        "erp.projects": projects_table(projects),
        "erp.timesheets": timesheets_table(projects),
        "erp.gl_entries": gl_entries_table(
            campaigns, team, employees, erp_customers, sales, timeline, seed
        ),
        "erp.fx_rates": fx.table(),
    }
    return Simulation(tables, orgs, account_ids, erp_customers)


def _churn_days(orgs: Organisations, orders: pl.DataFrame) -> np.ndarray:
    """Per organisation, a year after its last order (NO_DAY for organisations without one)."""
    last = orders.group_by("org_idx").agg(pl.col("order_day").max())
    churn = np.full(orgs.size, NO_DAY, dtype=np.int64)
    churn[last["org_idx"].to_numpy()] = last["order_day"].to_numpy() + CHURN_AFTER_DAYS
    return churn
