"""The products the sample company sells: sensors and gateways, platform subscriptions, services.

Names are representable in Windows-1252 like every pool (see `pools.py`).
"""

from __future__ import annotations

# (sku, name, category, product line, kind, list price in EUR). Subscription prices are per
# month (licences per seat), goods per unit, services per hour or per package.
_SERVICES = "Professional Services"
# fmt: off
PRODUCTS: tuple[tuple[str, str, str, str, str, float], ...] = (
    ("GD-1001", "Sensor Hub S1", "Sensors", "Edge Devices", "goods", 249.0),
    ("GD-1002", "Sensor Hub S2 Pro", "Sensors", "Edge Devices", "goods", 399.0),
    ("GD-1003", "Temperature Probe T10", "Sensors", "Edge Devices", "goods", 59.0),
    ("GD-1004", "Humidity Probe H20", "Sensors", "Edge Devices", "goods", 64.0),
    ("GD-1005", "Vibration Sensor V5", "Sensors", "Edge Devices", "goods", 189.0),
    ("GD-1006", "Capteur de pression P3", "Sensors", "Edge Devices", "goods", 139.0),
    ("GD-1101", "Gateway G100", "Gateways", "Edge Devices", "goods", 890.0),
    ("GD-1102", "Gateway G300", "Gateways", "Edge Devices", "goods", 1490.0),
    ("GD-1103", "Industrial Router R8", "Networking", "Edge Devices", "goods", 1190.0),
    ("GD-1104", 'Display Panel 15"', "Gateways", "Edge Devices", "goods", 640.0),
    ("GD-1201", "Mounting Kit", "Accessories", "Edge Devices", "goods", 35.0),
    ("GD-1202", "Power Supply 24V", "Accessories", "Edge Devices", "goods", 45.0),
    ("GD-1203", "Cable Set 5 m", "Accessories", "Edge Devices", "goods", 19.9),
    ("GD-1204", "Câble réseau blindé 10 m", "Networking", "Edge Devices", "goods", 24.5),
    ("GD-1205", "Boîtier étanche IP67", "Accessories", "Edge Devices", "goods", 89.0),
    ("GD-1206", "Battery Pack B3", "Accessories", "Edge Devices", "goods", 79.0),
    ("GD-1207", "Antenne LTE externe", "Networking", "Edge Devices", "goods", 69.0),
    ("GD-1208", "Wandhalterung Edelstahl", "Accessories", "Edge Devices", "goods", 42.0),
    ("SB-2001", "Platform Licence Standard", "Licences", "Platform", "subscription", 50.0),
    ("SB-2002", "Platform Licence Pro", "Licences", "Platform", "subscription", 95.0),
    ("SB-2003", "Platform Licence Enterprise", "Licences", "Platform", "subscription", 180.0),
    ("SB-2101", "Analytics Add-on", "Add-ons", "Platform", "subscription", 300.0),
    ("SB-2102", "API Access", "Add-ons", "Platform", "subscription", 150.0),
    ("SB-2103", "Data Retention 5 years", "Add-ons", "Platform", "subscription", 200.0),
    ("SB-2104", "Mobile App Seats (10)", "Add-ons", "Platform", "subscription", 120.0),
    ("SB-2201", "Premium Support", "Support", "Platform", "subscription", 400.0),
    ("SB-2202", "Support 24/7 – Astreinte", "Support", "Platform", "subscription", 900.0),
    ("SV-3001", "Consulting Hour – Senior", "Consulting", _SERVICES, "service", 160.0),
    ("SV-3002", "Consulting Hour – Consultant", "Consulting", _SERVICES, "service", 115.0),
    ("SV-3003", "Data Engineering Hour", "Consulting", _SERVICES, "service", 135.0),
    ("SV-3004", "Project Management Hour", "Consulting", _SERVICES, "service", 130.0),
    ("SV-3101", "Implementation Package", "Implementation", _SERVICES, "service", 4500.0),
    ("SV-3102", "On-site Installation", "Implementation", _SERVICES, "service", 650.0),
    ("SV-3201", "Training Day", "Training", _SERVICES, "service", 1200.0),
    ("SV-3202", "Journée de formation avancée", "Training", _SERVICES, "service", 1450.0),
)
# fmt: on
# Subscription SKUs: licences are sold per seat (one tier per customer), add-ons and support
# plans per month; list prices are monthly (subscriptions are invoiced monthly in advance).
LICENCE_SKUS: tuple[str, ...] = ("SB-2001", "SB-2002", "SB-2003")
ADD_ON_SKUS: tuple[str, ...] = ("SB-2101", "SB-2102", "SB-2103", "SB-2104", "SB-2201", "SB-2202")
# Service SKUs billed per hour: the ones a time-and-materials project invoice line uses.
HOURLY_SERVICE_SKUS: tuple[str, ...] = ("SV-3001", "SV-3002", "SV-3003", "SV-3004")
