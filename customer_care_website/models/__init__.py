from . import customer_care_incident
