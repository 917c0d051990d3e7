package store

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters for new password hashes: the second recommended
// option of RFC 9106 (section 4), for environments where 2 GiB per hash is
// too much: t=3 passes over m=64 MiB with p=4 lanes. A hash took about
// 0.17 s on a 2-core test machine: affordable per login, costly for an
// attacker with a copy of the users table. Stored
// hashes carry their own parameters, so raising these later does not lock
// anyone out.
const (
	argonTime    = 3         // t: passes over memory
	argonMemory  = 64 * 1024 // m: KiB (64 MiB)
	argonThreads = 4         // p: lanes
	argonKeyLen  = 32        // bytes of tag
	argonSaltLen = 16        // bytes of random salt
)

// Argon2Params are the cost of new password hashes.
type Argon2Params struct {
	Time      uint32 // passes over memory
	MemoryKiB uint32
	Threads   uint8
}

// NewHashCost is the cost of the hashes CreateUser and SetPassword write;
// the default is the one above. Tests that sign in many times lower it
// (a hash under the race detector takes seconds); an operator never needs
// to, and stored hashes keep their own cost whatever it is set to.
var NewHashCost = Argon2Params{Time: argonTime, MemoryKiB: argonMemory, Threads: argonThreads}

// Password length limits, in characters and bytes.
const (
	MinPasswordLen      = 10
	maxPasswordBytes    = 1024
	maxArgonMemory      = 1 << 20 // KiB: refuse stored hashes asking for more than 1 GiB
	maxArgonTime        = 16
	maxArgonThreads     = 64
	maxConcurrentHashes = 4
)

// hashSlots bounds the hashes computed at once, and so the memory they
// take (maxConcurrentHashes × 64 MiB): a burst of logins waits instead of
// exhausting the server.
var hashSlots = make(chan struct{}, maxConcurrentHashes)

func acquireHashSlot(ctx context.Context) error {
	select {
	case hashSlots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func releaseHashSlot() { <-hashSlots }

var b64 = base64.RawStdEncoding

// hashPassword returns the PHC string of an Argon2id hash of password with
// a fresh random salt:
//
//	$argon2id$v=19$m=65536,t=3,p=4$SALT$HASH
//
// with SALT and HASH in unpadded standard base64.
func hashPassword(ctx context.Context, password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("生成随机数失败：%w", err)
	}
	if err := acquireHashSlot(ctx); err != nil {
		return "", err
	}
	defer releaseHashSlot()
	c := NewHashCost
	key := argon2.IDKey([]byte(password), salt, c.Time, c.MemoryKiB, c.Threads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, c.MemoryKiB, c.Time, c.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// phc is a parsed Argon2id PHC string.
type phc struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

// parsePHC reads an Argon2id PHC string, refusing parameters outside
// sane bounds so that a tampered row cannot make a login take gigabytes.
func parsePHC(encoded string) (*phc, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return nil, fmt.Errorf("不是 argon2id 密码哈希")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return nil, fmt.Errorf("不支持的 argon2 版本 %q", parts[2])
	}
	var h phc
	params := map[string]uint64{}
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("argon2 参数 %q 无效", kv)
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("argon2 参数 %q 无效", kv)
		}
		params[k] = n
	}
	m, t, p := params["m"], params["t"], params["p"]
	if len(params) != 3 || t < 1 || t > maxArgonTime || p < 1 || p > maxArgonThreads || m < 8*p || m > maxArgonMemory {
		return nil, fmt.Errorf("argon2 参数 %q 超出范围", parts[3])
	}
	h.memory, h.time, h.threads = uint32(m), uint32(t), uint8(p)
	var err error
	if h.salt, err = b64.DecodeString(parts[4]); err != nil || len(h.salt) < 8 {
		return nil, fmt.Errorf("argon2 盐值无效")
	}
	if h.key, err = b64.DecodeString(parts[5]); err != nil || len(h.key) < 16 || len(h.key) > 64 {
		return nil, fmt.Errorf("argon2 哈希值无效")
	}
	return &h, nil
}

// verifyPassword reports whether password matches the PHC string encoded,
// comparing in constant time.
func verifyPassword(ctx context.Context, encoded, password string) (bool, error) {
	h, err := parsePHC(encoded)
	if err != nil {
		return false, err
	}
	if err := acquireHashSlot(ctx); err != nil {
		return false, err
	}
	defer releaseHashSlot()
	key := argon2.IDKey([]byte(password), h.salt, h.time, h.memory, h.threads, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(key, h.key) == 1, nil
}

// dummyHash is verified against when a login names no known user, so that
// the answer takes as long as for a known user with a wrong password.
var dummyHash = sync.OnceValues(func() (string, error) {
	return hashPassword(context.Background(), "jixiao-dummy-password-for-timing")
})
