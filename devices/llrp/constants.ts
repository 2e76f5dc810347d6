// LLRP 1.0.1 / 1.1 numbers this codec uses (EPCglobal LLRP 1.1, 2010-10-13; cross-checked with the
// LTK definition file llrp-1x1-def.xml and the Wireshark LLRP dissector's tables).

/** Header version field: 1 = LLRP 1.0.1, 2 = LLRP 1.1 (only after SET_PROTOCOL_VERSION). */
export const LLRP_VERSION_1_0_1 = 1;
export const LLRP_VERSION_1_1 = 2;
export const LLRP_PORT = 5084;
export const LLRP_TLS_PORT = 5085;
/** Message header: 3 reserved bits, 3-bit version, 10-bit type; u32 length; u32 message ID. */
export const HEADER_LENGTH = 10;

export const MSG = {
  GET_READER_CAPABILITIES: 1,
  GET_READER_CONFIG: 2,
  SET_READER_CONFIG: 3,
  CLOSE_CONNECTION_RESPONSE: 4,
  GET_READER_CAPABILITIES_RESPONSE: 11,
  GET_READER_CONFIG_RESPONSE: 12,
  SET_READER_CONFIG_RESPONSE: 13,
  CLOSE_CONNECTION: 14,
  ADD_ROSPEC: 20,
  DELETE_ROSPEC: 21,
  START_ROSPEC: 22,
  STOP_ROSPEC: 23,
  ENABLE_ROSPEC: 24,
  DISABLE_ROSPEC: 25,
  GET_ROSPECS: 26,
  ADD_ROSPEC_RESPONSE: 30,
  DELETE_ROSPEC_RESPONSE: 31,
  START_ROSPEC_RESPONSE: 32,
  STOP_ROSPEC_RESPONSE: 33,
  ENABLE_ROSPEC_RESPONSE: 34,
  DISABLE_ROSPEC_RESPONSE: 35,
  GET_ROSPECS_RESPONSE: 36,
  ADD_ACCESSSPEC: 40,
  DELETE_ACCESSSPEC: 41,
  ENABLE_ACCESSSPEC: 42,
  DISABLE_ACCESSSPEC: 43,
  GET_ACCESSSPECS: 44,
  CLIENT_REQUEST_OP: 45,
  GET_SUPPORTED_VERSION: 46,
  SET_PROTOCOL_VERSION: 47,
  ADD_ACCESSSPEC_RESPONSE: 50,
  DELETE_ACCESSSPEC_RESPONSE: 51,
  ENABLE_ACCESSSPEC_RESPONSE: 52,
  DISABLE_ACCESSSPEC_RESPONSE: 53,
  GET_ACCESSSPECS_RESPONSE: 54,
  CLIENT_REQUEST_OP_RESPONSE: 55,
  GET_SUPPORTED_VERSION_RESPONSE: 56,
  SET_PROTOCOL_VERSION_RESPONSE: 57,
  GET_REPORT: 60,
  RO_ACCESS_REPORT: 61,
  KEEPALIVE: 62,
  READER_EVENT_NOTIFICATION: 63,
  ENABLE_EVENTS_AND_REPORTS: 64,
  KEEPALIVE_ACK: 72,
  ERROR_MESSAGE: 100,
  CUSTOM_MESSAGE: 1023,
} as const;
export type MessageName = keyof typeof MSG;

export const MESSAGE_NAMES: ReadonlyMap<number, MessageName> = new Map(
  (Object.entries(MSG) as [MessageName, number][]).map(([name, type]) => [type, name]),
);

/** Messages whose body starts with an LLRPStatus parameter (every *_RESPONSE, and ERROR_MESSAGE). */
export const RESPONSE_NAMES = [
  'GET_READER_CAPABILITIES_RESPONSE',
  'GET_READER_CONFIG_RESPONSE',
  'SET_READER_CONFIG_RESPONSE',
  'CLOSE_CONNECTION_RESPONSE',
  'ADD_ROSPEC_RESPONSE',
  'DELETE_ROSPEC_RESPONSE',
  'START_ROSPEC_RESPONSE',
  'STOP_ROSPEC_RESPONSE',
  'ENABLE_ROSPEC_RESPONSE',
  'DISABLE_ROSPEC_RESPONSE',
  'GET_ROSPECS_RESPONSE',
  'ADD_ACCESSSPEC_RESPONSE',
  'DELETE_ACCESSSPEC_RESPONSE',
  'ENABLE_ACCESSSPEC_RESPONSE',
  'DISABLE_ACCESSSPEC_RESPONSE',
  'GET_ACCESSSPECS_RESPONSE',
  'CLIENT_REQUEST_OP_RESPONSE',
  'SET_PROTOCOL_VERSION_RESPONSE',
  'ERROR_MESSAGE',
] as const satisfies readonly MessageName[];
export type ResponseName = (typeof RESPONSE_NAMES)[number];
// GET_SUPPORTED_VERSION_RESPONSE is left out on purpose: two u8 fields come before its LLRPStatus.

/** TLV parameter types (16-bit word: 6 reserved bits, 10-bit type; then a u16 length incl. header). */
export const PARAM = {
  UTCTimestamp: 128,
  Uptime: 129,
  ROSpec: 177,
  ROBoundarySpec: 178,
  ROSpecStartTrigger: 179,
  PeriodicTriggerValue: 180,
  GPITriggerValue: 181,
  ROSpecStopTrigger: 182,
  AISpec: 183,
  AISpecStopTrigger: 184,
  TagObservationTrigger: 185,
  InventoryParameterSpec: 186,
  RFSurveySpec: 187,
  KeepaliveSpec: 220,
  AntennaConfiguration: 222,
  ROReportSpec: 237,
  TagReportContentSelector: 238,
  TagReportData: 240,
  EPCData: 241,
  RFSurveyReportData: 242,
  ReaderEventNotificationData: 246,
  ROSpecEvent: 249,
  ReaderExceptionEvent: 252,
  AISpecEvent: 254,
  AntennaEvent: 255,
  ConnectionAttemptEvent: 256,
  ConnectionCloseEvent: 257,
  LLRPStatus: 287,
  FieldError: 288,
  ParameterError: 289,
  C1G2InventoryCommand: 330,
  C1G2RFControl: 335,
  C1G2SingulationControl: 336,
  Custom: 1023,
} as const;

/** TV parameter types (one byte: 1, then a 7-bit type) and their value lengths in bytes. */
export const TV = {
  AntennaID: 1,
  FirstSeenTimestampUTC: 2,
  FirstSeenTimestampUptime: 3,
  LastSeenTimestampUTC: 4,
  LastSeenTimestampUptime: 5,
  PeakRSSI: 6,
  ChannelIndex: 7,
  TagSeenCount: 8,
  ROSpecID: 9,
  InventoryParameterSpecID: 10,
  C1G2_CRC: 11,
  C1G2_PC: 12,
  EPC_96: 13,
  SpecIndex: 14,
  ClientRequestOpSpecResult: 15,
  AccessSpecID: 16,
  OpSpecID: 17,
  C1G2SingulationDetails: 18,
  C1G2XPCW1: 19, // LLRP 1.1
  C1G2XPCW2: 20, // LLRP 1.1
} as const;

/** A TV parameter carries no length: the receiver must know it. An unknown TV type cannot be skipped. */
export const TV_LENGTHS: ReadonlyMap<number, number> = new Map([
  [TV.AntennaID, 2],
  [TV.FirstSeenTimestampUTC, 8],
  [TV.FirstSeenTimestampUptime, 8],
  [TV.LastSeenTimestampUTC, 8],
  [TV.LastSeenTimestampUptime, 8],
  [TV.PeakRSSI, 1],
  [TV.ChannelIndex, 2],
  [TV.TagSeenCount, 2],
  [TV.ROSpecID, 4],
  [TV.InventoryParameterSpecID, 2],
  [TV.C1G2_CRC, 2],
  [TV.C1G2_PC, 2],
  [TV.EPC_96, 12],
  [TV.SpecIndex, 2],
  [TV.ClientRequestOpSpecResult, 2],
  [TV.AccessSpecID, 4],
  [TV.OpSpecID, 2],
  [TV.C1G2SingulationDetails, 4],
  [TV.C1G2XPCW1, 2],
  [TV.C1G2XPCW2, 2],
]);

/** LLRPStatus StatusCode values (LLRP 1.0.1 §14.2.1; M_UnexpectedMessage is new in 1.1). */
export const STATUS_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'M_Success'],
  [100, 'M_ParameterError'],
  [101, 'M_FieldError'],
  [102, 'M_UnexpectedParameter'],
  [103, 'M_MissingParameter'],
  [104, 'M_DuplicateParameter'],
  [105, 'M_OverflowParameter'],
  [106, 'M_OverflowField'],
  [107, 'M_UnknownParameter'],
  [108, 'M_UnknownField'],
  [109, 'M_UnsupportedMessage'],
  [110, 'M_UnsupportedVersion'],
  [111, 'M_UnsupportedParameter'],
  [112, 'M_UnexpectedMessage'],
  [200, 'P_ParameterError'],
  [201, 'P_FieldError'],
  [202, 'P_UnexpectedParameter'],
  [203, 'P_MissingParameter'],
  [204, 'P_DuplicateParameter'],
  [205, 'P_OverflowParameter'],
  [206, 'P_OverflowField'],
  [207, 'P_UnknownParameter'],
  [208, 'P_UnknownField'],
  [209, 'P_UnsupportedParameter'],
  [300, 'A_Invalid'],
  [301, 'A_OutOfRange'],
  [401, 'R_DeviceError'],
]);

/** ConnectionAttemptEvent Status values. */
export const CONNECTION_ATTEMPT_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'Success'],
  [1, 'Failed_A_Reader_Initiated_Connection_Already_Exists'],
  [2, 'Failed_A_Client_Initiated_Connection_Already_Exists'],
  [3, 'Failed_Reason_Other_Than_A_Connection_Already_Exists'],
  [4, 'Another_Connection_Attempted'],
]);

export const AIR_PROTOCOL_EPC_C1G2 = 1;
