// The docker CLI's listing output: tabwriter padding, -q, --format json/{{json .}}/templates, filters.
import { describe, expect, it } from 'vitest';
import { formatListing, labelMatches, parseFilters, tabwrite } from './docker-format';

const listing = {
  columns: [['ID', 'ID'], ['NAME', 'Name'], ['PORTS', 'Ports']] as Array<[string, string]>,
  table: [{ ID: 'abc', Name: 'web', Ports: '*:80->80/tcp' }],
  json: [{ ID: 'abc', Name: 'web', Ports: '*:80->80/tcp' }],
  ids: ['abcdef'],
};

describe('docker listing format', () => {
  it('pads cells to at least 10, 3 past the widest, and never pads the last', () => {
    expect(tabwrite([['ID', 'NAME', 'PORTS'], ['abc', 'a-long-service-name', '']])).toBe(`ID        NAME${' '.repeat(18)}PORTS\nabc       a-long-service-name   \n`);
  });
  it('prints ids for -q, sorted-key JSON with Go escapes for json and {{json .}}, and templates', () => {
    expect(formatListing(listing, { quiet: true })).toBe('abcdef\n');
    expect(formatListing(listing, { format: '{{json .}}' })).toBe('{"ID":"abc","Name":"web","Ports":"*:80-\\u003e80/tcp"}\n');
    expect(formatListing(listing, { format: 'json' })).toBe(formatListing(listing, { format: '{{json .}}' }));
    expect(formatListing(listing, { format: '{{.Name}}\\t{{.ID}}' })).toBe('web\tabc\n');
    expect(formatListing(listing, { format: 'table {{.Name}}\\t{{.ID}}' })).toBe('NAME      ID\nweb       abc\n');
    expect(() => formatListing(listing, { format: '{{.Nope}}' })).toThrow('template parsing error: template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.Context');
    expect(formatListing(listing, { format: 'table{{.Name}}\\n{{.ID}}' })).toBe('NAME\nID\nweb\nabc\n');
    expect(formatListing(listing, { format: '  {{.Name}}  ' })).toBe('web\n');
  });
  it("runs docker's string functions, json of a field without HTML escapes, and keeps headers (pad included)", () => {
    expect(formatListing(listing, { format: '{{upper .Name}}|{{title .Ports}}|{{truncate .ID 2}}|{{pad .Name 1 2}}|{{json .Ports}}' })).toBe('WEB|*:80->80/Tcp|ab| web  |"*:80->80/tcp"\n');
    expect(formatListing(listing, { format: 'table {{upper .Name}}\\t{{pad .ID 1 0}}\\t{{json .Ports}}' })).toBe('NAME       ID       PORTS\nWEB        abc      "*:80->80/tcp"\n');
    expect(() => formatListing(listing, { format: '{{split .Name ","}}' })).toThrow("flotilla's --format reads");
  });
  it('reads filters as docker does and refuses unknown keys', () => {
    expect(parseFilters(['name=a', 'name=b', 'mode=global'], ['name', 'mode'])).toEqual({ name: ['a', 'b'], mode: ['global'] });
    expect(() => parseFilters(['bogus=1'], ['name'])).toThrow("Invalid filter 'bogus'");
    expect(() => parseFilters(['BOGUS=1'], ['name'])).toThrow("Invalid filter 'bogus'");
    expect(() => parseFilters(['nameonly'], ['name'])).toThrow('invalid argument "nameonly" for "-f, --filter" flag: bad format of filter (expected name=value)');
    expect(parseFilters([' Node = self ', 'node=self', ''])).toEqual({ node: ['self'] });
    expect(labelMatches({ zone: 'a' }, 'zone')).toBe(true);
    expect(labelMatches({ zone: 'a' }, 'zone=b')).toBe(false);
  });
});
