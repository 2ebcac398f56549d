// validate.mjs: offline validation of the deployment descriptions (issue 21).
//   node validate.mjs k8s FILE.yaml...   every document against the Kubernetes API schema of
//                                        its apiVersion/kind (kubernetes-models, pinned in
//                                        package.json). Its compiled schemas allow unknown
//                                        fields; a field the schema never reads (a typo, a
//                                        field of another API version) is an error here.
//   node validate.mjs openapi FILE.yaml  an OpenAPI 3.1 description against the official
//                                        schema (@seriousme/openapi-schema-validator)
// Exit 0 when everything is valid, 1 with the errors otherwise.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const [mode, ...files] = process.argv.slice(2);
let bad = 0;

async function k8s(file) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  let n = 0;
  for (const doc of docs) {
    if (doc.errors.length) {
      console.error(`${file}: YAML: ${doc.errors[0].message}`);
      bad++;
      continue;
    }
    const obj = doc.toJS();
    if (obj === null) continue;
    n++;
    const { apiVersion, kind } = obj;
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["core", apiVersion];
    const cap = (w) => w.charAt(0).toUpperCase() + w.slice(1);
    const schema = `IoK8sApi${cap(group.split(".")[0])}${cap(version)}${kind}`;
    let validate;
    try {
      ({ validate } = await import(new URL(`node_modules/kubernetes-models/_schemas/${schema}.mjs`, import.meta.url)));
    } catch {
      console.error(`${file}: no schema for ${apiVersion} ${kind} (${schema})`);
      bad++;
      continue;
    }
    // every property the schema reads, per object: the rest are unknown fields
    const seen = new Map(); // object -> [proxy, path, keys read]
    const wrap = (o, path) => {
      if (o === null || typeof o !== "object") return o;
      if (!seen.has(o)) {
        const read = new Set();
        const proxy = new Proxy(o, {
          get(t, k) {
            if (typeof k === "string") read.add(k);
            return wrap(t[k], `${path}/${String(k)}`);
          },
        });
        seen.set(o, [proxy, path, read]);
      }
      return seen.get(o)[0];
    };
    const ok = validate(wrap(obj, ""));
    const unknown = [];
    for (const [o, [, path, read]] of seen)
      if (!Array.isArray(o))
        for (const k of Object.keys(o)) if (!read.has(k)) unknown.push(`${path}/${k}`);
    if (!ok || unknown.length) {
      for (const d of validate.errors ?? [])
        console.error(`${file}: ${kind}: ${d.instancePath} ${d.message ?? d.keyword} ${JSON.stringify(d.params)}`);
      for (const u of unknown.slice(0, 20)) console.error(`${file}: ${kind}: unknown field ${u}`);
      bad++;
    } else {
      console.log(`ok: ${file}: ${apiVersion} ${kind} ${obj.metadata?.name ?? ""}`);
    }
  }
  if (n === 0) {
    console.error(`${file}: no Kubernetes object`);
    bad++;
  }
}

async function openapi(file) {
  const { Validator } = await import("@seriousme/openapi-schema-validator");
  const v = new Validator();
  const res = await v.validate(file);
  if (!res.valid) {
    console.error(`${file}: not a valid OpenAPI description:`);
    console.error(JSON.stringify(res.errors, null, 2).slice(0, 4000));
    bad++;
  } else if (v.version !== "3.1") {
    console.error(`${file}: OpenAPI ${v.version}, expected 3.1`);
    bad++;
  } else {
    console.log(`ok: ${file}: OpenAPI ${v.version}`);
  }
}

if (!["k8s", "openapi"].includes(mode) || files.length === 0) {
  console.error("usage: node validate.mjs k8s|openapi FILE...");
  process.exit(2);
}
for (const f of files) await (mode === "k8s" ? k8s(f) : openapi(f));
process.exit(bad ? 1 : 0);
