import { expect } from 'chai';
import { loadConfig } from '../../src/config';

const base = { DATA_DIR: '/tmp/x', PUBLIC_URL: 'https://clientes.example.com' };

describe('certificate login configuration', () => {
  it('development: a listener on 3443 with the generated certificates', () => {
    const c = loadConfig({ ...base }, []).certLogin;
    expect(c.port).to.equal(3443);
    expect(c.devCertificates).to.equal(true);
    expect(c.caPath).to.equal('/tmp/x/cert-login/ca.pem');
    expect(c.entryUrl).to.equal('https://clientes.example.com:3443/acceso/certificado/entrar');
  });

  it('CERT_LOGIN_PORT=0 turns it off', () => {
    const c = loadConfig({ ...base, CERT_LOGIN_PORT: '0' }, []).certLogin;
    expect(c.port).to.equal(null);
    expect(c.entryUrl).to.equal(null);
  });

  it('production: off unless configured, and then complete', () => {
    expect(loadConfig({ ...base, NODE_ENV: 'production' }, []).certLogin.port).to.equal(null);
    const env = { ...base, NODE_ENV: 'production', CERT_LOGIN_PORT: '8443', CERT_LOGIN_CA: '/etc/ca.pem' };
    expect(() => loadConfig(env, [])).to.throw(/TLS_CERT and TLS_KEY/);
    const c = loadConfig({ ...env, TLS_CERT: '/etc/c.pem', TLS_KEY: '/etc/k.pem' }, []).certLogin;
    expect(c.port).to.equal(8443);
    expect(c.devCertificates).to.equal(false);
  });

  const refused: [string, Record<string, string>, RegExp][] = [
    ['a port that is not one', { CERT_LOGIN_PORT: 'abc' }, /CERT_LOGIN_PORT/],
    ['header mode trusting any address (hop count)', { CERT_LOGIN_HEADER: 'X-SSL-Client-Cert', CERT_LOGIN_CA: '/ca', CERT_LOGIN_URL: 'https://c', TRUST_PROXY: '1' }, /TRUST_PROXY/],
    ['header mode trusting everyone', { CERT_LOGIN_HEADER: 'X-SSL-Client-Cert', CERT_LOGIN_CA: '/ca', CERT_LOGIN_URL: 'https://c', TRUST_PROXY: 'true' }, /TRUST_PROXY/],
    ['header mode without the proxy address', { CERT_LOGIN_HEADER: 'X-SSL-Client-Cert', CERT_LOGIN_CA: '/ca', TRUST_PROXY: '10.0.0.5' }, /CERT_LOGIN_URL/],
    ['header mode without CAs', { CERT_LOGIN_HEADER: 'X-SSL-Client-Cert', TRUST_PROXY: '10.0.0.5', CERT_LOGIN_URL: 'https://c' }, /CERT_LOGIN_CA/],
  ];
  for (const [name, env, message] of refused) {
    it(`refuses ${name}`, () => {
      expect(() => loadConfig({ ...base, NODE_ENV: 'production', ...env }, [])).to.throw(message);
    });
  }

  it('header mode with a list of proxy addresses', () => {
    const c = loadConfig({
      ...base, NODE_ENV: 'production', CERT_LOGIN_HEADER: 'X-SSL-Client-Cert', CERT_LOGIN_CA: '/ca', TRUST_PROXY: 'loopback, 10.0.0.5',
      CERT_LOGIN_URL: 'https://certificado.example.com/acceso/certificado/entrar',
    }, []).certLogin;
    expect(c.header).to.equal('X-SSL-Client-Cert');
    expect(c.port).to.equal(null);
  });
});
