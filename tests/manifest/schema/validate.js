// Microsoft's own validator (AJV, as the Teams toolkits run it): reads a manifest on stdin and
// prints the schema's complaints as a JSON list. The package finds the schema named by $schema
// in its bundled copies; when it has none it would download it, so that is refused here.
const fs = require("fs");
const { AppManifestUtils } = require("@microsoft/app-manifest/build/generated-types");

let text = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (text += chunk));
process.stdin.on("end", async () => {
  const manifest = JSON.parse(text);
  const suffix = AppManifestUtils.getLocalSchemaSuffix(manifest.$schema);
  const bundled = suffix && AppManifestUtils.getLocalSchemaCandidates(suffix).some(fs.existsSync);
  if (!bundled) {
    process.stderr.write(`no bundled schema for ${manifest.$schema}\n`);
    process.exit(2);
  }
  const errors = await AppManifestUtils.validateAgainstSchema(manifest);
  process.stdout.write(JSON.stringify(errors));
});
