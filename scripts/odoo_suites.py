"""Run Odoo's own tests on an installed database, all of them in the full registry.

    python3 scripts/odoo_suites.py -d DB --test-enable --test-tags=SELECTION \
        --stop-after-init [other odoo server options]

This is Odoo's server command and test runner (``--test-enable``,
``--test-tags``, the log lines ``FAIL:``/``ERROR:`` and the final "x failed,
y error(s) of z tests" report) with one change: the ``at_install`` tests do
not run while each module is loaded (then the registry holds only that module
and its dependencies, so customer_care's fields and overrides would be
absent); they run with the ``post_install`` tests, once every installed
module is loaded.  That is the question asked: do the apps' own tests pass
with customer_care installed?
"""

import sys

import odoo.service.server
from odoo.cli.command import main

_preload_registries = odoo.service.server.preload_registries


def _preload_registries_all_post_install(dbnames):
    # the test framework is imported only once the server runs in test mode
    from odoo.tests import loader

    make_suite = loader.make_suite

    def make_suite_after_loading(module_names, position="at_install"):
        if position == "at_install":
            return loader.OdooSuite([])
        tests = [*make_suite(module_names, "at_install"), *make_suite(module_names, position)]
        return loader.OdooSuite(sorted(tests, key=lambda t: getattr(t, "test_sequence", 0)))

    loader.make_suite = make_suite_after_loading
    return _preload_registries(dbnames)


odoo.service.server.preload_registries = _preload_registries_all_post_install

if __name__ == "__main__":
    sys.argv[0] = "odoo"
    main()
