"""The reachability panel shared by the walkthrough and the practice lab.

Plain Python: from a World (a cluster, its outside hosts, the ports and the
question that matter) and a learner's YAML it builds everything the templates
under templates/partials/panel/ show. No views here.
"""
