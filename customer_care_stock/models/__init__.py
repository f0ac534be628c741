from . import customer_care_incident
from . import sale_order
from . import stock_picking
