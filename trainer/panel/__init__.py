"""The reachability panel: one Django app for every page that shows reachability.

panel.py, world.py and picture.py are plain Python: from a World (a cluster, its
outside hosts, the ports and the question that matter) and a learner's YAML they
build everything the panel shows. memory.py keeps the previous evaluation for the
next edit's diff; templates/panel/panel.html (its parts are partials every page
includes) and templatetags/panel.py draw it. No views: each page owns its posts.
"""
