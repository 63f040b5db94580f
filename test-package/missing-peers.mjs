// Run by .ci/package-check.sh in a project that installed the tarball alone: the
// entries with no optional peer load (by import and by require), and each entry whose
// peer is missing fails at import with Node's ERR_MODULE_NOT_FOUND naming the package
// to install.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const fail = (message) => {
  console.error(`missing-peers: ${message}`);
  process.exitCode = 1;
};

for (const entry of ['genstage', 'genstage/web', 'genstage/node', 'genstage/testing', 'genstage/dashboard', 'genstage/worker']) {
  const imported = await import(entry);
  if (require(entry) !== imported) fail(`require('${entry}') is not the module import('${entry}') gives`);
}
for (const [entry, peer] of [['genstage/rxjs', 'rxjs'], ['genstage/ix', 'ix'], ['genstage/redis', 'redis']]) {
  try {
    await import(entry);
    fail(`${entry} loaded without ${peer} installed (is it in node_modules?)`);
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !error.message.includes(`'${peer}'`)) fail(`${entry} without ${peer}: ${error}`);
    else console.log(`${entry} without ${peer}: ${error.message.split(' imported from')[0]}`);
  }
}
if (!process.exitCode) console.log('missing-peers ok');
