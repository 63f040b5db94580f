// The public API, one report per entry (api/<entry>.api.md), made by API Extractor from
// the shipped declarations in dist/ (so `@internal` members, stripped there, are not in
// it). `node scripts/api-report.mjs` fails when a report differs from the committed one,
// so a change to the public surface is always deliberate; `npm run api` rewrites them.
// Run after `npm run build`.
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const update = process.argv.includes('--update');
const root = process.cwd();
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const reportFolder = resolve('api');
const tempFolder = resolve('node_modules/.cache/api-report');
mkdirSync(reportFolder, { recursive: true });
mkdirSync(tempFolder, { recursive: true });

let changed = 0;
for (const [subpath, target] of Object.entries(pkg.exports)) {
  if (typeof target !== 'object') continue;
  const name = subpath === '.' ? 'genstage' : `genstage-${subpath.slice(2).replace(/\//g, '-')}`;
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: root,
      mainEntryPointFilePath: resolve(target.types),
      compiler: {
        overrideTsconfig: {
          compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2023', 'DOM'], types: ['node'], strict: true, skipLibCheck: true },
          files: [resolve(target.types)],
        },
      },
      apiReport: { enabled: true, reportFileName: name, reportFolder, reportTempFolder: tempFolder },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: 'warning' } },
        extractorMessageReporting: { default: { logLevel: 'none', addToApiReportFile: false } },
        tsdocMessageReporting: { default: { logLevel: 'none' } },
      },
    },
    configObjectFullPath: undefined,
    packageJsonFullPath: resolve('package.json'),
  });
  const result = Extractor.invoke(config, { localBuild: update, messageCallback: (message) => {
    if (message.logLevel === 'warning' || message.logLevel === 'error') console.error(`${name}: ${message.text}`);
    message.handled = true;
  } });
  if (result.apiReportChanged) changed++;
  console.log(`${name}: ${result.apiReportChanged ? (update ? 'report updated' : 'REPORT CHANGED') : 'unchanged'}`);
}
if (changed && !update) {
  console.error(`api-report: ${changed} report(s) in api/ differ from the declarations in dist/; if the change is deliberate, run \`npm run api\` and commit api/.`);
  process.exitCode = 1;
}
