from . import (
    crm_team,
    customer_care_facts,
    customer_care_group,
    customer_care_hobby,
    customer_care_incident,
    customer_care_root_cause,
    customer_care_sla_policy,
    res_company,
    res_config_settings,
    res_partner,
    sale_order,
)
