#!/usr/bin/env bash
# From nothing to a running CharityDay on the cluster kubectl points at (k8s/README.md):
#
#   bash k8s/deploy.sh staging|production [SECRETS_ENV]      # SECRETS_ENV defaults to k8s/secrets.env
#
# 1. creates the overlay's namespace and the charityday Secret from SECRETS_ENV (keys:
#    k8s/secrets.env.example) — created or updated, never printed;
# 2. applies the overlay: ConfigMap, RBAC, Redis, the release's migrate Job, the silos, Service,
#    PodDisruptionBudget, NetworkPolicies (production: PodMonitor and PrometheusRule too);
# 3. waits for the migrate Job, then for the rollout, and prints the pods.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

overlay=${1:?usage: bash k8s/deploy.sh staging|production [SECRETS_ENV]}
secrets=${2:-k8s/secrets.env}
dir=k8s/overlays/$overlay
[[ -f $dir/kustomization.yaml ]] || { echo "no overlay $dir" >&2; exit 2; }
[[ -f $secrets ]] || { echo "no $secrets: cp k8s/secrets.env.example $secrets and fill it in" >&2; exit 2; }

rendered=$(mktemp)
trap 'rm -f "$rendered"' EXIT
kubectl kustomize "$dir" >"$rendered"
ns=$(awk '/^kind: Namespace$/ { n = 1 } n && /^  name: / { print $2; exit }' "$rendered")
job=$(awk '/^kind: Job$/ { j = 1 } j && /^  name: / { print $2; exit }' "$rendered")

kubectl create namespace "$ns" --dry-run=client -o yaml | kubectl apply -f -
kubectl -n "$ns" create secret generic charityday --from-env-file="$secrets" --dry-run=client -o yaml |
  kubectl apply -f - >/dev/null
echo "secret/charityday applied in namespace $ns"
kubectl apply -f "$rendered"

echo "waiting for job/$job (schema migrations)"
kubectl -n "$ns" wait --for=condition=complete "job/$job" --timeout=10m
kubectl -n "$ns" rollout status statefulset/charityday-redis --timeout=5m
kubectl -n "$ns" rollout status deployment/charityday --timeout=15m
kubectl -n "$ns" get pods -o wide
