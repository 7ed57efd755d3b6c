#!/usr/bin/env node
// Validates rendered Kubernetes manifests against the Kubernetes OpenAPI schemas and the
// Prometheus Operator CRD schemas, offline (no cluster): each document becomes the
// kubernetes-models class for its apiVersion/kind and must pass that class's validate().
//
//   kubectl kustomize k8s/overlays/production | node k8s/validate/validate.mjs
//   node k8s/validate/validate.mjs rendered.yaml [more.yaml ...]
//
// Exit 0: every document valid. Exit 1: a document is invalid, of an apiVersion/kind this
// validator has no schema for (an unknown kind is a failure, never a pass), or not YAML;
// each failure names the document. Exit 2: no documents, or the validator itself failed
// (e.g. npm ci has not been run in k8s/validate).
//
// Like kubeconform without -strict, fields the schema does not name are not reported: the
// generated validators accept additional properties.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

// apiVersion group -> the package whose models carry its schemas. A group not listed here
// fails; adding one is a line (kubernetes-models has every built-in group).
const PACKAGES = {
  "": "kubernetes-models", // core: v1
  apps: "kubernetes-models",
  batch: "kubernetes-models",
  policy: "kubernetes-models",
  autoscaling: "kubernetes-models",
  "networking.k8s.io": "kubernetes-models",
  "rbac.authorization.k8s.io": "kubernetes-models",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};

/** The model class for apiVersion/kind, or a reason there is none. */
async function modelFor(apiVersion, kind) {
  if (typeof apiVersion !== "string" || apiVersion === "") return { error: "has no apiVersion" };
  if (typeof kind !== "string" || kind === "") return { error: "has no kind" };
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const pkg = PACKAGES[group];
  if (pkg === undefined) {
    return { error: `unknown apiVersion ${apiVersion}: group '${group}' has no schemas here (known: ${Object.keys(PACKAGES).map((g) => g || "core").join(", ")})` };
  }
  let module;
  try {
    module = await import(`${pkg}/${apiVersion}`);
  } catch (e) {
    if (e?.code === "ERR_PACKAGE_PATH_NOT_EXPORTED" || e?.code === "ERR_MODULE_NOT_FOUND") {
      // Distinguish "this version does not exist" from "the packages are not installed".
      await import(pkg); // throws ERR_MODULE_NOT_FOUND naming the package when not installed
      return { error: `unknown apiVersion ${apiVersion} (${pkg} has no such version)` };
    }
    throw e;
  }
  const model = module[kind];
  // Only a top-level resource carries its own apiVersion/kind; DeploymentSpec and the like do not.
  if (typeof model !== "function" || model.apiVersion !== apiVersion || model.kind !== kind) {
    return { error: `unknown kind ${kind} in ${apiVersion}` };
  }
  return { model };
}

function describe(doc, index, source) {
  const kind = doc?.kind ?? "?";
  const name = doc?.metadata?.name ?? "?";
  return `${source} document ${index + 1} (${kind}/${name})`;
}

function formatErrors(e) {
  if (Array.isArray(e?.errors) && e.errors.length > 0) {
    return e.errors.map((x) => `    ${x.instancePath || "/"}: ${x.message ?? x.keyword} ${JSON.stringify(x.params ?? {})}`).join("\n");
  }
  return `    ${e?.message ?? e}`;
}

async function validateText(text, source) {
  const results = [];
  const docs = parseAllDocuments(text);
  for (const [index, parsed] of docs.entries()) {
    if (parsed.errors.length > 0) {
      results.push({ ok: false, what: `${source} document ${index + 1}`, why: `    not YAML: ${parsed.errors.map((x) => x.message).join("; ")}` });
      continue;
    }
    const doc = parsed.toJS();
    if (doc === null || doc === undefined) continue; // an empty document between two '---'
    const what = describe(doc, index, source);
    if (typeof doc !== "object" || Array.isArray(doc)) {
      results.push({ ok: false, what, why: "    not a mapping" });
      continue;
    }
    const { model, error } = await modelFor(doc.apiVersion, doc.kind);
    if (error) {
      results.push({ ok: false, what, why: `    ${error}` });
      continue;
    }
    try {
      new model(doc).validate();
      results.push({ ok: true, what: `${what} ${doc.apiVersion}` });
    } catch (e) {
      results.push({ ok: false, what, why: formatErrors(e) });
    }
  }
  return results;
}

async function main(args) {
  const inputs = args.length > 0
    ? args.map((file) => ({ source: file, text: readFileSync(file, "utf8") }))
    : [{ source: "stdin", text: readFileSync(0, "utf8") }];
  const results = [];
  for (const { source, text } of inputs) results.push(...(await validateText(text, source)));
  if (results.length === 0) {
    console.error("no Kubernetes documents in the input");
    return 2;
  }
  const failed = results.filter((r) => !r.ok);
  for (const r of results) {
    if (r.ok) console.log(`ok      ${r.what}`);
    else console.error(`INVALID ${r.what}\n${r.why}`);
  }
  console.log(`${results.length - failed.length} valid, ${failed.length} invalid`);
  return failed.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => { console.error(`validator failed: ${e?.stack ?? e}`); process.exitCode = 2; },
);
