/*
 * A SQLite VFS over the platform's own ("unix") that gathers the writes of a WAL file into one
 * buffer and hands them to the kernel in a few pwrites per commit (up to 128 KiB each), instead of two per frame (SQLite
 * writes each frame's 24-byte header and its page separately). On a virtual machine where a system
 * call is dear that was most of what a frame cost: 3.7 us per 4 KiB frame in two pwrites against
 * 0.6 us in pwrites of 250 frames (docs/PERFORMANCE.md). Every other file, and every other call,
 * goes straight through.
 *
 * Registered as the process's default VFS by sqlite3_walbuffer_init (src/store/sqlite/wal-buffer.ts
 * loads it before the store opens its first file; SMSGUARD_WAL_BUFFER=0 leaves SQLite's own).
 *
 * Why it is safe. A WAL frame is read by another connection only once a commit has published it in
 * the wal-index (shared memory), which SQLite does after its last frame write returned. Here the
 * buffer is written out when the page of a commit frame (a frame header whose "database size after
 * commit" is not zero, then its page: SQLite writes the two in separate calls, wal.c
 * walWriteOneFrame) has been added, inside that xWrite, so a failure (a full disk) fails the commit
 * as SQLite's own write would; and, as a backstop, before every shared-memory barrier or lock call
 * of the connection's database file. Data are never held across a commit or the end of a write
 * lock. Before then, a crash loses only frames of a transaction that never
 * committed, which recovery ignores whether or not they reached the file. This connection's own
 * reads of its WAL are served from the buffer when they fall inside it; any other access to the file
 * (its size, a truncate, a sync, a file control, its close) writes the buffer out first. A write
 * that does not continue the buffer writes it out and starts a new one, so the file sees writes in
 * SQLite's order.
 *
 * The database file of a connection finds its WAL file by name: SQLite opens the WAL with a name
 * from which sqlite3_filename_database() gives back the very pointer its database file was opened
 * with, so two connections to one database (a checkpointer thread, a reader) never share a buffer.
 */
#include <sqlite3ext.h>
#include <string.h>

SQLITE_EXTENSION_INIT3

/*
 * Written out at this size even inside a commit. Not larger: the unix VFS's write masks its length
 * with 0x1ffff (seekAndWriteFd), so one call of 128 KiB or more would be cut short and reported as a
 * full disk. 7 frames of 16 KiB pages, 31 of 4 KiB.
 */
#define WB_CAP 0x1ffff

typedef struct WbFile WbFile;
struct WbFile {
  sqlite3_file base;
  sqlite3_file *real;     /* the underlying file, in the same allocation right after this struct */
  const char *zName;      /* as given to xOpen: for a database, the pointer its WAL's name leads back to */
  int isWal;
  WbFile *wal;            /* database file: its connection's WAL file, once open */
  WbFile *db;             /* WAL file: its database file */
  WbFile *nextDb;         /* the list of open database files */
  unsigned char *buf;     /* WAL file: pending bytes for offsets [bufOff, bufOff + nBuf) */
  int nBuf;
  sqlite3_int64 bufOff;
  sqlite3_int64 commitEnd; /* after a commit frame's header: where its page ends (0: none pending) */
};

static sqlite3_vfs wbVfs;
static sqlite3_vfs *wbReal;
static WbFile *wbDbs;
static sqlite3_mutex *wbMutex;

/* Writes the buffer out. On failure it is kept: the next write, read or flush tries it again (the
   same bytes at the same offset) and reports what happens then. */
static int wbFlush(WbFile *p) {
  if (p->nBuf == 0) return SQLITE_OK;
  int rc = p->real->pMethods->xWrite(p->real, p->buf, p->nBuf, p->bufOff);
  if (rc == SQLITE_OK) p->nBuf = 0;
  return rc;
}

/*
 * The database file's WAL buffer written out, for the shared-memory calls (they come on the database
 * file and return no error, or one about the lock). Nothing is normally left by then: a commit's
 * frames went out in its last xWrite, with its error. What can be left is a transaction's frames
 * that never committed (spilled, then rolled back); once the write lock goes (`releasesWrite`) they
 * are dropped if they cannot be written, so that no write of this connection lands after another
 * writer's. Otherwise a failure keeps them (wbFlush).
 */
static void wbFlushWalOf(WbFile *db, int releasesWrite) {
  if (db->wal && db->wal->nBuf && wbFlush(db->wal) != SQLITE_OK && releasesWrite) db->wal->nBuf = 0;
}

static int wbClose(sqlite3_file *f) {
  WbFile *p = (WbFile *)f;
  int rc = SQLITE_OK;
  if (p->isWal) {
    rc = wbFlush(p);
    sqlite3_free(p->buf);
    p->buf = 0;
  }
  sqlite3_mutex_enter(wbMutex);
  if (p->isWal) {
    if (p->db && p->db->wal == p) p->db->wal = 0;
  } else if (p->zName) {
    for (WbFile **q = &wbDbs; *q; q = &(*q)->nextDb) if (*q == p) { *q = p->nextDb; break; }
    if (p->wal && p->wal->db == p) p->wal->db = 0;
  }
  sqlite3_mutex_leave(wbMutex);
  int rc2 = p->real->pMethods ? p->real->pMethods->xClose(p->real) : SQLITE_OK;
  return rc != SQLITE_OK ? rc : rc2;
}

static int wbRead(sqlite3_file *f, void *z, int n, sqlite3_int64 off) {
  WbFile *p = (WbFile *)f;
  if (p->nBuf && off < p->bufOff + p->nBuf && off + n > p->bufOff) {
    if (off >= p->bufOff && off + n <= p->bufOff + p->nBuf) {
      memcpy(z, p->buf + (off - p->bufOff), n);
      return SQLITE_OK;
    }
    int rc = wbFlush(p);
    if (rc != SQLITE_OK) return rc;
  }
  return p->real->pMethods->xRead(p->real, z, n, off);
}

/* A frame header (24 bytes, big-endian page number then database size after commit). */
static int wbIsCommitHeader(const unsigned char *h, int n, sqlite3_int64 off) {
  return n == 24 && off >= 32 && (h[4] | h[5] | h[6] | h[7]) != 0;
}

static int wbWrite(sqlite3_file *f, const void *z, int n, sqlite3_int64 off) {
  WbFile *p = (WbFile *)f;
  if (!p->isWal) return p->real->pMethods->xWrite(p->real, z, n, off);
  int rc;
  if (p->nBuf && off >= p->bufOff && off + n <= p->bufOff + p->nBuf) {
    /* a frame of this transaction written again in place */
    memcpy(p->buf + (off - p->bufOff), z, n);
  } else if ((p->nBuf == 0 || off == p->bufOff + p->nBuf) && p->nBuf + n <= WB_CAP) {
    if (p->nBuf == 0) p->bufOff = off;
    memcpy(p->buf + p->nBuf, z, n);
    p->nBuf += n;
  } else {
    rc = wbFlush(p);
    if (rc != SQLITE_OK) return rc;
    if (n > WB_CAP) {
      rc = p->real->pMethods->xWrite(p->real, z, n, off);
      if (rc != SQLITE_OK) return rc;
    } else {
      p->bufOff = off;
      memcpy(p->buf, z, n);
      p->nBuf = n;
    }
  }
  if (wbIsCommitHeader(z, n, off)) {
    p->commitEnd = off + n; /* the page follows: written out once it is in (below) */
  } else if (p->commitEnd && off == p->commitEnd) {
    p->commitEnd = 0;
    return wbFlush(p);
  } else {
    p->commitEnd = 0;
  }
  return SQLITE_OK;
}

static int wbTruncate(sqlite3_file *f, sqlite3_int64 size) {
  WbFile *p = (WbFile *)f;
  int rc = wbFlush(p);
  return rc != SQLITE_OK ? rc : p->real->pMethods->xTruncate(p->real, size);
}

static int wbSync(sqlite3_file *f, int flags) {
  WbFile *p = (WbFile *)f;
  int rc = wbFlush(p);
  return rc != SQLITE_OK ? rc : p->real->pMethods->xSync(p->real, flags);
}

static int wbFileSize(sqlite3_file *f, sqlite3_int64 *size) {
  WbFile *p = (WbFile *)f;
  int rc = wbFlush(p);
  return rc != SQLITE_OK ? rc : p->real->pMethods->xFileSize(p->real, size);
}

static int wbLock(sqlite3_file *f, int level) {
  WbFile *p = (WbFile *)f;
  return p->real->pMethods->xLock(p->real, level);
}

static int wbUnlock(sqlite3_file *f, int level) {
  WbFile *p = (WbFile *)f;
  if (!p->isWal) wbFlushWalOf(p, 0);
  return p->real->pMethods->xUnlock(p->real, level);
}

static int wbCheckReservedLock(sqlite3_file *f, int *out) {
  WbFile *p = (WbFile *)f;
  return p->real->pMethods->xCheckReservedLock(p->real, out);
}

static int wbFileControl(sqlite3_file *f, int op, void *arg) {
  WbFile *p = (WbFile *)f;
  int rc = wbFlush(p);
  return rc != SQLITE_OK ? rc : p->real->pMethods->xFileControl(p->real, op, arg);
}

static int wbSectorSize(sqlite3_file *f) {
  WbFile *p = (WbFile *)f;
  return p->real->pMethods->xSectorSize(p->real);
}

static int wbDeviceCharacteristics(sqlite3_file *f) {
  WbFile *p = (WbFile *)f;
  return p->real->pMethods->xDeviceCharacteristics(p->real);
}

static int wbShmMap(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp) {
  WbFile *p = (WbFile *)f;
  return p->real->pMethods->xShmMap(p->real, pg, pgsz, extend, pp);
}

/* SQLite's shared-memory lock of the WAL's single writer (wal.c WAL_WRITE_LOCK). */
#define WB_WAL_WRITE_LOCK 0

static int wbShmLock(sqlite3_file *f, int offset, int n, int flags) {
  WbFile *p = (WbFile *)f;
  wbFlushWalOf(p, (flags & SQLITE_SHM_UNLOCK) && offset <= WB_WAL_WRITE_LOCK && offset + n > WB_WAL_WRITE_LOCK);
  return p->real->pMethods->xShmLock(p->real, offset, n, flags);
}

static void wbShmBarrier(sqlite3_file *f) {
  WbFile *p = (WbFile *)f;
  wbFlushWalOf(p, 0);
  p->real->pMethods->xShmBarrier(p->real);
}

static int wbShmUnmap(sqlite3_file *f, int deleteFlag) {
  WbFile *p = (WbFile *)f;
  wbFlushWalOf(p, 1);
  return p->real->pMethods->xShmUnmap(p->real, deleteFlag);
}

static int wbFetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp) {
  WbFile *p = (WbFile *)f;
  int rc = wbFlush(p);
  if (rc != SQLITE_OK) return rc;
  return p->real->pMethods->xFetch(p->real, off, n, pp);
}

static int wbUnfetch(sqlite3_file *f, sqlite3_int64 off, void *ptr) {
  WbFile *p = (WbFile *)f;
  return p->real->pMethods->xUnfetch(p->real, off, ptr);
}

static const sqlite3_io_methods wbIo = {
  3, wbClose, wbRead, wbWrite, wbTruncate, wbSync, wbFileSize, wbLock, wbUnlock, wbCheckReservedLock,
  wbFileControl, wbSectorSize, wbDeviceCharacteristics, wbShmMap, wbShmLock, wbShmBarrier, wbShmUnmap,
  wbFetch, wbUnfetch,
};
/* For a file whose own methods are of version 1: SQLite then calls none of the later ones. */
static const sqlite3_io_methods wbIoV1 = {
  1, wbClose, wbRead, wbWrite, wbTruncate, wbSync, wbFileSize, wbLock, wbUnlock, wbCheckReservedLock,
  wbFileControl, wbSectorSize, wbDeviceCharacteristics, 0, 0, 0, 0, 0, 0,
};

static int wbOpen(sqlite3_vfs *vfs, sqlite3_filename zName, sqlite3_file *f, int flags, int *outFlags) {
  (void)vfs;
  WbFile *p = (WbFile *)f;
  memset(p, 0, sizeof(WbFile));
  p->real = (sqlite3_file *)&p[1];
  int rc = wbReal->xOpen(wbReal, zName, p->real, flags, outFlags);
  if (rc != SQLITE_OK) {
    /* this layer's pMethods stays NULL, so SQLite calls nothing here; the real file is closed here */
    if (p->real->pMethods) p->real->pMethods->xClose(p->real);
    return rc;
  }
  if (p->real->pMethods == 0) return SQLITE_OK;
  if (p->real->pMethods->iVersion < 3) {
    /* no shared memory or memory map to forward: buffered never (a WAL needs shared memory) */
    p->base.pMethods = &wbIoV1;
    return SQLITE_OK;
  }
  p->base.pMethods = &wbIo;
  if ((flags & SQLITE_OPEN_WAL) && zName) {
    p->buf = sqlite3_malloc(WB_CAP);
    if (!p->buf) {
      p->real->pMethods->xClose(p->real);
      p->base.pMethods = 0;
      return SQLITE_NOMEM;
    }
    p->isWal = 1;
    const char *zDb = sqlite3_filename_database(zName);
    sqlite3_mutex_enter(wbMutex);
    for (WbFile *d = wbDbs; d; d = d->nextDb) {
      if (d->zName == zDb) {
        d->wal = p;
        p->db = d;
        break;
      }
    }
    sqlite3_mutex_leave(wbMutex);
  } else if ((flags & SQLITE_OPEN_MAIN_DB) && zName) {
    p->zName = zName;
    sqlite3_mutex_enter(wbMutex);
    p->nextDb = wbDbs;
    wbDbs = p;
    sqlite3_mutex_leave(wbMutex);
  }
  return SQLITE_OK;
}

/* Everything but opening a file is the underlying VFS's own. */
static int wbDelete(sqlite3_vfs *v, const char *z, int s) { (void)v; return wbReal->xDelete(wbReal, z, s); }
static int wbAccess(sqlite3_vfs *v, const char *z, int fl, int *o) { (void)v; return wbReal->xAccess(wbReal, z, fl, o); }
static int wbFullPathname(sqlite3_vfs *v, const char *z, int n, char *o) { (void)v; return wbReal->xFullPathname(wbReal, z, n, o); }
static void *wbDlOpen(sqlite3_vfs *v, const char *z) { (void)v; return wbReal->xDlOpen(wbReal, z); }
static void wbDlError(sqlite3_vfs *v, int n, char *z) { (void)v; wbReal->xDlError(wbReal, n, z); }
static void (*wbDlSym(sqlite3_vfs *v, void *h, const char *z))(void) { (void)v; return wbReal->xDlSym(wbReal, h, z); }
static void wbDlClose(sqlite3_vfs *v, void *h) { (void)v; wbReal->xDlClose(wbReal, h); }
static int wbRandomness(sqlite3_vfs *v, int n, char *z) { (void)v; return wbReal->xRandomness(wbReal, n, z); }
static int wbSleep(sqlite3_vfs *v, int us) { (void)v; return wbReal->xSleep(wbReal, us); }
static int wbCurrentTime(sqlite3_vfs *v, double *t) { (void)v; return wbReal->xCurrentTime(wbReal, t); }
static int wbGetLastError(sqlite3_vfs *v, int n, char *z) { (void)v; return wbReal->xGetLastError ? wbReal->xGetLastError(wbReal, n, z) : 0; }
static int wbCurrentTimeInt64(sqlite3_vfs *v, sqlite3_int64 *t) { (void)v; return wbReal->xCurrentTimeInt64(wbReal, t); }

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_walbuffer_init(sqlite3 *db, char **err, const sqlite3_api_routines *api) {
  (void)db;
  sqlite3_api = api;
  if (sqlite3_vfs_find("smsguard-walbuf")) return SQLITE_OK; /* registered already (and the default) */
  wbReal = sqlite3_vfs_find(0);
  if (!wbReal || wbReal->iVersion < 2 || !wbReal->xCurrentTimeInt64) {
    *err = sqlite3_mprintf("smsguard-walbuf: the default VFS lacks what it forwards");
    return SQLITE_ERROR;
  }
  wbMutex = sqlite3_mutex_alloc(SQLITE_MUTEX_STATIC_APP1);
  memset(&wbVfs, 0, sizeof(wbVfs));
  wbVfs.iVersion = 2;
  wbVfs.szOsFile = (int)sizeof(WbFile) + wbReal->szOsFile;
  wbVfs.mxPathname = wbReal->mxPathname;
  wbVfs.zName = "smsguard-walbuf";
  wbVfs.xOpen = wbOpen;
  wbVfs.xDelete = wbDelete;
  wbVfs.xAccess = wbAccess;
  wbVfs.xFullPathname = wbFullPathname;
  wbVfs.xDlOpen = wbDlOpen;
  wbVfs.xDlError = wbDlError;
  wbVfs.xDlSym = wbDlSym;
  wbVfs.xDlClose = wbDlClose;
  wbVfs.xRandomness = wbRandomness;
  wbVfs.xSleep = wbSleep;
  wbVfs.xCurrentTime = wbCurrentTime;
  wbVfs.xGetLastError = wbGetLastError;
  wbVfs.xCurrentTimeInt64 = wbCurrentTimeInt64;
  int rc = sqlite3_vfs_register(&wbVfs, 1);
  /* SQLITE_OK_LOAD_PERMANENTLY: SQLite keeps this library loaded when the loading connection closes
     (the VFS is in use by every connection opened after). */
  return rc == SQLITE_OK ? SQLITE_OK_LOAD_PERMANENTLY : rc;
}
