"""The demonstration's service costs, so that every cost-benefit preset runs in the demo.

Each demo service is given the team the 2014 Glasgow evaluation costed (the shipped
``glasgow-2014`` preset's costs), entered through the same function as the service
costs page. Running it again changes nothing.
"""

from __future__ import annotations

from vocrehab.economics.presets import load_data
from vocrehab.economics.services import save_cost_year


def seed_costs(services: dict) -> None:
    """Give each demo service without costs the 2014 evaluation's three years of costs."""
    years = load_data("glasgow-2014")["costs"]["value"]
    for service in services.values():
        if service.cost_years.exists():
            continue
        for row in years:
            save_cost_year(
                service,
                year=row["year"],
                label=f"Demonstration, as the 2014 evaluation's {row['label'].lower()}",
                non_staff=row["non_staff"],
                overhead_pct=row["overhead_pct"],
                staff=[
                    {"role": s["role"], "fte": s["fte"], "annual_cost": s["annual_cost"]}
                    for s in row["staff"]
                ],
            )
