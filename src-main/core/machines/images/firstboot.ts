// Files baked into the test image: a tiny first-boot unit that applies a cloud-init NoCloud seed
// (volume label `cidata`) instead of cloud-init itself. Why not cloud-init: it pulls python3 and ~150 MB
// of packages into the image, and under software emulation (TCG, the only accelerator on the build
// machines) its Python stages add tens of seconds to every boot. The test image only needs what Flotilla's
// seed carries: hostname (meta-data), SSH keys (user-data) and addresses (network-config v2).
// Real cloud images keep real cloud-init and read the very same seed.

export const SEED_SCRIPT = `#!/bin/sh
# Flotilla test image: apply the NoCloud seed (label cidata) without cloud-init. Runs on every boot.
set -u
S=/run/flotilla-seed
modprobe isofs 2>/dev/null || true
modprobe vfat 2>/dev/null || true
# the root filesystem may sit on a larger copy-on-write overlay: grow it (online, ext4)
resize2fs /dev/vda >/dev/null 2>&1 || true
[ -f /etc/ssh/ssh_host_ed25519_key ] || ssh-keygen -A
dev=""
i=0
while [ $i -lt 20 ]; do
  dev=$(blkid -L cidata 2>/dev/null || blkid -L CIDATA 2>/dev/null || true)
  [ -n "$dev" ] && break
  i=$((i + 1))
  sleep 0.25
done
if [ -z "$dev" ]; then echo "flotilla-seed: no cidata seed found"; exit 0; fi
mkdir -p $S
mount -o ro "$dev" $S || { echo "flotilla-seed: cannot mount $dev"; exit 1; }
if [ -f $S/meta-data ]; then
  h=$(sed -n 's/^local-hostname:[[:space:]]*//p' $S/meta-data | tr -d "\\"' " | head -n 1)
  if [ -n "$h" ]; then
    echo "$h" > /etc/hostname
    hostname "$h"
    grep -q "[[:space:]]$h\\$" /etc/hosts || echo "127.0.1.1 $h" >> /etc/hosts
  fi
fi
if [ -f $S/user-data ]; then
  mkdir -p /root/.ssh && chmod 700 /root/.ssh
  touch /root/.ssh/authorized_keys
  grep -oE '(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\\.com) [A-Za-z0-9+/=]+' $S/user-data |
    while read -r k; do grep -qF "$k" /root/.ssh/authorized_keys || echo "$k" >> /root/.ssh/authorized_keys; done
  chmod 600 /root/.ssh/authorized_keys
fi
if [ -f $S/network-config ]; then
  rm -f /etc/systemd/network/10-flotilla-*.network
  awk -f /usr/local/lib/flotilla/network-config.awk $S/network-config
fi
umount $S
echo "flotilla-seed: applied seed from $dev"
`;

/** network-config v2 (ethernets matched by macaddress, dhcp4 or addresses) -> systemd-networkd files. */
export const NETWORK_AWK = `function flush() {
  if (mac != "") {
    f = "/etc/systemd/network/10-flotilla-" n ".network"
    print "[Match]" > f
    print "MACAddress=" mac > f
    print "" > f
    print "[Network]" > f
    if (dhcp) print "DHCP=ipv4" > f
    for (i = 1; i <= na; i++) print "Address=" addr[i] > f
    if (gw != "") print "Gateway=" gw > f
    close(f)
    n++
  }
  mac = ""; dhcp = 0; na = 0; gw = ""
}
BEGIN { n = 0; mac = ""; dhcp = 0; na = 0; gw = "" }
/^  [A-Za-z0-9_.-]+:[ \\t]*$/ { flush(); next }
/macaddress:/ { v = $0; sub(/.*macaddress:[ \\t]*/, "", v); gsub(/["' ]/, "", v); mac = tolower(v) }
/dhcp4:[ \\t]*(true|yes)/ { dhcp = 1 }
/gateway4:/ { v = $0; sub(/.*gateway4:[ \\t]*/, "", v); gsub(/["' ]/, "", v); gw = v }
/^[ \\t]*-[ \\t]*["']?[0-9.]+\\/[0-9]+/ { v = $0; sub(/^[ \\t]*-[ \\t]*/, "", v); gsub(/["' ]/, "", v); addr[++na] = v }
/addresses:[ \\t]*\\[/ { v = $0; sub(/.*\\[/, "", v); sub(/\\].*/, "", v); gsub(/["' ]/, "", v); k = split(v, parts, ","); for (j = 1; j <= k; j++) if (parts[j] != "") addr[++na] = parts[j] }
END { flush() }
`;

export const SEED_UNIT = `[Unit]
Description=Apply the cloud-init NoCloud seed (Flotilla test image)
DefaultDependencies=no
After=local-fs.target systemd-remount-fs.service
Before=network-pre.target systemd-networkd.service ssh.service sysinit.target
Wants=network-pre.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/sbin/flotilla-seed
StandardOutput=journal+console

[Install]
WantedBy=sysinit.target
`;

/** Any NIC without a seed entry gets DHCP (the NAT NIC when booted without a seed). */
export const DEFAULT_NETWORK = `[Match]
Name=en* eth*

[Network]
DHCP=ipv4
`;

/** Wait for one configured link, not all: the private NIC has a static address or none at all. */
export const WAIT_ONLINE_DROPIN = `[Service]
ExecStart=
ExecStart=/lib/systemd/systemd-networkd-wait-online --any --timeout=30
`;
