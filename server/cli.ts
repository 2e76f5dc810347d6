// `hazledger <command>`: start, verify, rebuild, login and the rest (USAGE).
import { loadConfig, loadWitnessConfig } from './config.js';

const USAGE = `usage: hazledger <command>

  start            serve the API and the ledger (PORT, HAZLEDGER_DATA_DIR, DATABASE_URL…)
  verify           self-audit the whole log and the read side; exit 1 on any break
  rebuild          recreate the read side (registry, units) from the log
  verify-bundle FILE [--vkey=VKEY] [--witness=VKEY …] [--quorum=K]
                   check an evidence bundle offline (and its witnesses' cosignatures); exit 1 on any break
  gateway --config FILE
                   run a site's device gateway (signed readings, on-disk outbox, forwarded to the server)
  simulate [--manifests N] [--units-per-manifest M] [--speed X] [--seed S] [--fault F,…] …
                   run a day of the pilot park against a running server through emulated devices
  login USERNAME [--person ID]
                   set a login's password, read from standard input (the way back in when no admin can log in)
  witness          run a C2SP tlog-witness (HAZLEDGER_WITNESS_DIR, HAZLEDGER_WITNESS_PORT, HAZLEDGER_WITNESS_LOGS…)
  export <ledger-entries|management-ledger|epcis> [--producer ORG] [--from DATE --to DATE] [--format F] --out FILE
                   stream an export into FILE with progress on stderr (\`hazledger export --help\`)
  help             this text

Configuration is read from the environment; see README.md.`;

export async function run(argv: string[]): Promise<number> {
  const [command = 'help'] = argv;
  try {
    switch (command) {
      case 'start': {
        const { main } = await import('./main.js');
        await main(loadConfig());
        return 0;
      }
      case 'verify': {
        const { verifyCommand } = await import('./verify-command.js');
        return await verifyCommand(loadConfig(), argv.slice(1));
      }
      case 'rebuild': {
        const { rebuildCommand } = await import('./verify-command.js');
        return await rebuildCommand(loadConfig());
      }
      case 'verify-bundle': {
        const { verifyBundleCommand } = await import('./verify-bundle-command.js');
        return await verifyBundleCommand(argv.slice(1));
      }
      case 'gateway': {
        const { gatewayCommand } = await import('../devices/gateway/main.js');
        return await gatewayCommand(argv.slice(1));
      }
      case 'simulate': {
        const { simulateCommand } = await import('../devices/simulator/main.js');
        return await simulateCommand(argv.slice(1), loadConfig().port || 8080);
      }
      case 'export': {
        const { exportCommand, EXPORT_USAGE } = await import('./export-command.js');
        if (argv.includes('--help') || argv.includes('-h')) {
          console.log(EXPORT_USAGE);
          return 0;
        }
        return await exportCommand(loadConfig(), argv.slice(1));
      }
      case 'login': {
        const { LOGIN_USAGE, loginArgs, loginCommand, readPassword } = await import('./login-command.js');
        if (!loginArgs(argv.slice(1))) {
          console.error(LOGIN_USAGE); // before reading standard input, which would wait for it
          return argv.includes('--help') || argv.includes('-h') ? 0 : 2;
        }
        return await loginCommand(loadConfig(), argv.slice(1), await readPassword());
      }
      case 'witness': {
        const { witnessCommand } = await import('./witness/main.js');
        return await witnessCommand(loadWitnessConfig());
      }
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return 0;
      default:
        console.error(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    console.error(`hazledger ${command}: ${(e as Error).message}`);
    return 1;
  }
}
