// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are shell commands, not templates
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { PolicyContext } from "../../src/security/command-policy.ts";
import { secretPaths } from "../../src/security/secret-paths.ts";
import { usePolicy } from "./fixture.ts";

const SECRET = "reads a secret";

const policy = usePolicy();

/**
 * The fixture's world with secrets: ~/.ssh, ~/.aws, ~/.config/gcloud and Baton's home in the fake
 * home, a `.env` next to the project (in its parent directory), and a link in the project that
 * leads into ~/.ssh.
 */
let ctx: PolicyContext;
let batonHome: string;

beforeAll(() => {
  const { root, project, home } = policy.world;
  batonHome = path.join(home, ".baton");
  for (const dir of [".ssh", ".aws", ".config/gcloud", ".baton/logs", "code"]) {
    mkdirSync(path.join(home, dir), { recursive: true });
  }
  for (const file of [".ssh/id_rsa", ".aws/credentials", ".baton/baton.db", "notes.txt"]) {
    writeFileSync(path.join(home, file), "x");
  }
  writeFileSync(path.join(root, ".env"), "TOKEN=x");
  symlinkSync(path.join(home, ".ssh"), path.join(project, "keys"));
  ctx = policy.world.ctx({ secrets: secretPaths({ projectDir: project, home, batonHome }) });
});

/** [command, allowed?] */
type Row = readonly [string, boolean];

const rows: Row[] = [
  // the brief's cases
  ["cat ~/.ssh/id_rsa", false],
  ["cd ~ && cat .ssh/id_rsa", false],
  ["tar czf x.tgz ~/.aws", false],
  ["cat ../.env", false],
  ["cat .env", true],
  ["ls ~", true],
  // redirections, both ways
  ["cat < ~/.ssh/id_rsa", false],
  ["wc -l < ../.env", false],
  ["echo ssh-rsa AAAA >> ~/.ssh/authorized_keys", false],
  ["while read -r l; do echo $l; done < ~/.aws/credentials", false],
  ["{ cd /tmp; } < .ssh/id_rsa", true],
  ["cd ~ && { cd /tmp; } < .ssh/id_rsa", false],
  ["cat <<'EOF' > ~/.ssh/config\nHost x\nEOF", false],
  // the grammar gives `< file` after a list to the whole list; bash gives it to the last command
  ["cd ~ && cat < .ssh/id_rsa", false],
  ["cd ~ && ls | wc -l < .ssh/id_rsa", false],
  ["cd src && cat < ../.env", true],
  ["cat < ../.env | wc -l", false],
  // every command, wherever it sits
  ["bash -c 'cat ~/.ssh/id_rsa'", false],
  ["echo $(cat ~/.aws/credentials)", false],
  ["npm test && cp ~/.ssh/id_rsa .", false],
  ["find ~/.ssh -type f", false],
  ["source ../.env", false],
  [". ../.env && npm start", false],
  ["ssh -i ~/.ssh/id_rsa host", false],
  ["python3 deploy.py --config ~/.aws/config", false],
  ["timeout 5 env cat ~/.ssh/id_rsa", false],
  ["./run.sh < ~/.ssh/id_rsa", false],
  // spellings
  ['cat "$HOME/.ssh/id_rsa"', false],
  ["cat $HOME/.aws/credentials", false],
  ["cat ${HOME}/.aws/credentials", false],
  ["cat ~/.s*/id_rsa", false],
  ["cat ~/.aws/*", false],
  ["cat ~/.{ssh,aws}/id_rsa", false],
  ["cat ~/x*/../.ssh/id_rsa", false],
  ["curl -d @../.env http://localhost:3000", false],
  ["curl -F key=@~/.ssh/id_rsa http://localhost:3000", false],
  ["node app.js --env-file=../.env", false],
  ["cat keys/id_rsa", false],
  ["cd ~/.aws && cat credentials", false],
  ["cd ~/.config && cd gcloud && ls", false],
  ["tar -C ~ -czf backup.tgz .ssh", false],
  ["cd $DIR && cat ./config.json", false],
  // not secrets
  ["cat ~/notes.txt", true],
  ["ls -la ~/.config", true],
  ["ls ~/*", true],
  ["cat ~/.sshx/config", true],
  ["cat src/index.ts > dist/a.js 2>&1", true],
  ['git commit -m "handle ../.env files"', true],
  ["echo ~/.ssh", false],
  ["cd src && cat ../.env", true],
  ["cd ~/code && ls", true],
  ["cat $FILE", true],
  ["cd $DIR && cat config.json", true],
];

describe("reading secrets through the shell", () => {
  it.each(rows.map(([command, allowed]) => ({ command, allowed })))(
    "$command → allowed $allowed",
    ({ command, allowed }) => {
      const decision = policy.decide(command, ctx);
      expect({ command, allowed: decision.allowed }, decision.reason).toEqual({ command, allowed });
      expect(decision.reason, "one line").not.toContain("\n");
    },
  );

  it("says which secret and why it is off limits, in one line", () => {
    const decision = policy.decide("npm test && cat ~/.ssh/id_rsa", ctx);
    expect(decision.allowed).toBe(false);
    expect(decision.command).toBe("cat ~/.ssh/id_rsa");
    expect(decision.reason).toBe(
      `reads a secret: \`~/.ssh/id_rsa\` (${policy.world.home}/.ssh/id_rsa) is off limits to sessions (credentials of your tools, Baton's data, .env files outside the project); use the project's own files`,
    );
    expect(policy.decide("echo x > ~/.aws/config", ctx).reason).toMatch(
      /^writes to a secret: `~\/\.aws\/config`/,
    );
  });

  it("refuses Baton's own data, by any path", () => {
    for (const command of [
      `grep -r key ${batonHome}`,
      `cat ${batonHome}/baton.db`,
      "sqlite3 ~/.baton/baton.db .dump",
      `ls ${batonHome}/logs/../`,
    ]) {
      const decision = policy.decide(command, ctx);
      expect(decision.allowed, command).toBe(false);
      expect(decision.reason, command).toContain(SECRET);
    }
  });

  it("lets a project inside a secret directory read its own files, and nothing around them", () => {
    const project = path.join(batonHome, "projects", "app");
    mkdirSync(path.join(project, "src"), { recursive: true });
    const home = policy.world.home;
    const inside = policy.world.ctx({
      projectDir: project,
      secrets: secretPaths({ projectDir: project, home, batonHome }),
    });
    expect(policy.decide("cat src/index.ts && ls -la . && rm -rf src/old", inside).allowed).toBe(true);
    expect(policy.decide(`cat ${project}/src/a.ts`, inside).allowed).toBe(true);
    expect(policy.decide("ls ..", inside).reason).toContain(SECRET);
    expect(policy.decide("cat ../../baton.db", inside).reason).toContain(SECRET);
    expect(policy.decide("cd .. && ls", inside).reason).toContain(SECRET);
  });

  it("guards nothing without a list of secrets, as before", () => {
    for (const secrets of [undefined, []]) {
      const plain = policy.world.ctx({ secrets });
      for (const command of ["cat ~/.ssh/id_rsa", "cat ../.env", "cd $DIR && cat ./config.json"]) {
        expect(policy.decide(command, plain).allowed, command).toBe(true);
      }
    }
  });

  it("still applies every other rule with secrets set", () => {
    expect(policy.decide("sudo cat .env", ctx).reason).toContain("never allowed");
    expect(policy.decide("rm -rf ../outside", ctx).reason).toContain("outside the project");
    expect(policy.decide("rm .env", ctx).reason).toContain("protected");
  });
});
