"""A lab exercise of our own, so the lab's tests do not move when lessons/ changes."""

import shutil
from pathlib import Path

CLUSTER = """\
apiVersion: v1
kind: Namespace
metadata: {name: prod, labels: {env: prod}}
---
apiVersion: v1
kind: Namespace
metadata: {name: dev, labels: {env: dev}}
---
apiVersion: v1
kind: Namespace
metadata: {name: kube-system}
---
apiVersion: v1
kind: Pod
metadata: {name: coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec: {containers: [{name: coredns, image: "coredns:1.11", ports: [\
{name: dns, containerPort: 53, protocol: UDP}, {name: dns-tcp, containerPort: 53}]}]}
status: {podIP: 10.0.0.10}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: prod, labels: {role: db}}
spec: {containers: [{name: mysql, image: "mysql:8.4", ports: [{name: mysql, containerPort: 3306}]}]}
status: {podIP: 10.1.0.10}
---
apiVersion: v1
kind: Pod
metadata: {name: api-pod, namespace: prod, labels: {name: api-pod}}
spec: {containers: [{name: api, image: "api:2", ports: [{name: http, containerPort: 8080}]}]}
status: {podIP: 10.1.0.20}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: prod, labels: {app: web}}
spec: {containers: [{name: nginx, image: "nginx:1.27", ports: [{containerPort: 80}]}]}
status: {podIP: 10.1.0.30}
---
apiVersion: v1
kind: Pod
metadata: {name: api-pod, namespace: dev, labels: {name: api-pod}}
spec: {containers: [{name: api, image: "api:3"}]}
status: {podIP: 10.2.0.20}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-policy, namespace: prod}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress:
  - ports: [{port: 80}]
"""

SOLUTION = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db-policy
  namespace: prod
spec:
  podSelector:
    matchLabels:
      role: db
  policyTypes:
  - Ingress
  ingress:
  - from:
    - podSelector:
        matchLabels:
          name: api-pod
    ports:
    - protocol: TCP
      port: 3306
"""

STARTER = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db-policy
  namespace: prod
spec:
  podSelector: {}
  policyTypes:
  - Ingress
"""


def indent(text: str) -> str:
    return "".join(f"  {line}\n" for line in text.splitlines())


EXERCISE = f"""\
id: lab-db-from-api
stage: 3
title: Only the API reaches the database
task: |
  Write `db-policy` in `prod` so that **only** `prod/api-pod` reaches the
  database on TCP 3306.

  - Nothing else may reach `prod/db`.
  - Leave `web-policy` alone.
cluster: |
{indent(CLUSTER)}starter: |
{indent(STARTER)}solution: |
{indent(SOLUTION)}require:
  - {{kind: NetworkPolicy, namespace: prod, name: db-policy}}
hints:
  - "First hint: the database carries `role=db`."
  - "Second hint: a podSelector peer alone means pods of the policy's own namespace."
questions:
  - id: policies-in-prod
    prompt: How many NetworkPolicies are in `prod` before you start?
    choices: ["0", "1", "2"]
    answers: [1]
    explanation: "`kubectl get netpol -n prod` lists web-policy alone."
  - id: reach-web
    prompt: Which pods may reach prod/web on TCP 80 now?
    choices: [prod/api-pod, dev/api-pod, prod/db]
    answers: [0, 1, 2]
    explanation: web-policy admits port 80 from anywhere.
"""


def install(directory, settings) -> None:
    """Point LESSONS_DIR at `directory`, holding this one exercise and the real stages."""
    for part in ("stages", "clusters"):
        if not (directory / part).exists():
            shutil.copytree(Path(settings.LESSONS_DIR) / part, directory / part)
    (directory / "exercises").mkdir(exist_ok=True)
    (directory / "exercises" / "01-lab-db-from-api.yaml").write_text(EXERCISE)
    settings.LESSONS_DIR = directory
