"""CRM configuration from an architecture spec: a Salesforce metadata package and HubSpot JSON.

::

    from l2o.publish.crm import write_hubspot_package, write_salesforce_package

    write_salesforce_package(spec, Path("out/crm/salesforce"))  # sf project deploy start ...
    write_hubspot_package(spec, Path("out/crm/hubspot"))        # properties, pipelines, CHECKLIST

See docs/redesign.md for what each package holds and how to deploy it.
"""

from l2o.publish.crm.hubspot import write_hubspot_package
from l2o.publish.crm.salesforce import write_salesforce_package

__all__ = ["write_hubspot_package", "write_salesforce_package"]
