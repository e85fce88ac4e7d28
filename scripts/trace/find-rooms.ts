import { folderOf, isExcluded } from "./project-files.js";
import type { EntryEvent } from "./recorder.js";

/** Where an entry came from: another room, or the start of a walk (a request, a frame, a job). */
export const WALK_START = "(start of a walk)";

/** A file executed in the window, in the order first entered. */
export interface ExecutedFile {
  file: string;
  folder: string;
  /** Calls into it from another file, and walks that started in it. */
  entered: number;
  /** Calls into it with no project code on the stack after its walk began (event handlers, timers, promise callbacks). */
  resumed: number;
}

/** A room (a file or a folder) control entered from more than one place, or again while it was still on the stack. */
export interface ReenteredRoom {
  room: string;
  /** Each place it was entered from, with how often, in the order first seen. */
  from: { source: string; times: number; nested: boolean }[];
}

export interface Rooms {
  files: ExecutedFile[];
  folders: string[];
  reenteredFiles: ReenteredRoom[];
  reenteredFolders: ReenteredRoom[];
  /** Excluded files (the simulator, the demo) that ran inside a traced walk: there should be none. */
  excludedRan: string[];
}

/**
 * The rooms of a path, from the recorded entries. A *room* is a project file, or a folder of
 * them. Control *enters* a room when a function of it is called from a different room (the
 * nearest project frame on the stack is elsewhere) or when a walk starts in it (no project frame
 * at all on its first call). A call with no project frame later in a walk (a promise callback,
 * a timer, an event handler) resumes work the room set up itself: it is counted apart and is
 * not an entry. A room is *entered twice* when it was entered from two or more different
 * places (two caller rooms, or a caller room and a walk's start), or when it was entered
 * while it was itself still on the stack below its caller (A → B → A, seen from V8's stack,
 * async frames included). Repeated calls from the one same room (a loop) are one door used
 * again, counted in `entered` but not a second entry.
 */
export function findRooms(events: readonly EntryEvent[]): Rooms {
  const walkStarted = new Set<number>();
  const files = new Map<string, ExecutedFile>();
  const folders: string[] = [];
  const fileDoors = new Doors();
  const folderDoors = new Doors();
  const excludedRan = new Set<string>();
  for (const event of events) {
    const starts = !walkStarted.has(event.walk);
    walkStarted.add(event.walk);
    if (isExcluded(event.file)) {
      excludedRan.add(event.file);
      continue;
    }
    const folder = folderOf(event.file);
    let executed = files.get(event.file);
    if (!executed) {
      executed = { file: event.file, folder, entered: 0, resumed: 0 };
      files.set(event.file, executed);
      if (!folders.includes(folder)) folders.push(folder);
    }
    if (event.caller === undefined) {
      if (!starts) {
        executed.resumed += 1;
        continue;
      }
      executed.entered += 1;
      fileDoors.enter(event.file, WALK_START, false);
      folderDoors.enter(folder, WALK_START, false);
      continue;
    }
    const below = event.below.slice(1);
    if (event.caller !== event.file) {
      executed.entered += 1;
      fileDoors.enter(event.file, event.caller, below.includes(event.file));
    }
    const callerFolder = folderOf(event.caller);
    if (callerFolder !== folder) folderDoors.enter(folder, callerFolder, below.some((file) => folderOf(file) === folder));
  }
  return {
    files: [...files.values()],
    folders,
    reenteredFiles: fileDoors.reentered(),
    reenteredFolders: folderDoors.reentered(),
    excludedRan: [...excludedRan],
  };
}

/** The places each room was entered from. */
class Doors {
  private readonly rooms = new Map<string, Map<string, { times: number; nested: boolean }>>();

  enter(room: string, source: string, nested: boolean): void {
    const doors = this.rooms.get(room) ?? new Map<string, { times: number; nested: boolean }>();
    this.rooms.set(room, doors);
    const door = doors.get(source) ?? { times: 0, nested: false };
    doors.set(source, { times: door.times + 1, nested: door.nested || nested });
  }

  reentered(): ReenteredRoom[] {
    return [...this.rooms]
      .filter(([, doors]) => doors.size > 1 || [...doors.values()].some((door) => door.nested))
      .map(([room, doors]) => ({ room, from: [...doors].map(([source, door]) => ({ source, ...door })) }));
  }
}
