/** TIE sample data, from the project's reference samples and the official clients' tests. */
// ---- sample data ----

export const NOTEPAD = {
  hex: {
    md5: 'f2c7bb8acc97f92e987a2d4087d021b1',
    sha1: '7eb0139d2175739b3ccb0d1110067820be6abd29',
    sha256: '142e1d688ef0568370c37187fd9f2351d7ddeda574f8bfa9b0fa4ef42db85aa2',
  },
  base64: {
    md5: '8se7isyX+S6Yei1Ah9AhsQ==',
    sha1: 'frATnSF1c5s8yw0REAZ4IL5qvSk=',
    sha256: 'FC4daI7wVoNww3GH/Z8jUdfd7aV0+L+psPpO9C24WqI=',
  },
  reputations: {
    '1': { attributes: { '2120340': '2139160704' }, createDate: 1451502875, providerId: 1, trustLevel: 99 },
    '3': {
      attributes: { '2101652': '17', '2102165': '1451502875', '2111893': '21', '2114965': '0', '2139285': '72339069014638857' },
      createDate: 1451502875,
      providerId: 3,
      trustLevel: 0,
    },
  },
  agents: [
    { agentGuid: '{3a6f574a-3e6f-436d-acd4-bcde336b054d}', date: 1475873692 },
    { agentGuid: '{d48d3d1a-915e-11e6-323a-000c2992f5d9}', date: 1476316674 },
    { agentGuid: '{68125cd6-a5d8-11e6-348e-000c29663178}', date: 1478626172 },
  ],
};

export const EICAR = {
  hex: {
    md5: '44d88612fea8a8f36de82e1278abb02f',
    sha1: '3395856ce81f2b7382dee72602f798b642f14140',
    sha256: '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f',
  },
};

export const UNKNOWN_FILE = {
  hex: {
    md5: '586297d3bf63b478a2df61ef2579fd9e',
    sha1: 'a7c515a836f20e8589d1c68e06237904c3cec2ad',
    sha256: 'f0649a543e8fb682ec25a7dcc3b8fa7b86744e018ae4bc784be6c86cb46861ae',
  },
};

export const ALL_ZERO = {
  md5: '00000000000000000000000000000000',
  sha1: '0000000000000000000000000000000000000000',
  sha256: '0000000000000000000000000000000000000000000000000000000000000000',
};

export const SAMPLE_CERT = {
  sha1: '6eae26db8c13182a7947982991b4321732cc3de2',
  sha1Base64: 'bq4m24wTGCp5R5gpkbQyFzLMPeI=',
  publicKeySha1: '3b87a2d6f39770160364b79a152fcc73bae27adf',
  publicKeySha1Base64: 'O4ei1vOXcBYDZLeaFS/Mc7riet8=',
  reputations: {
    '2': {
      attributes: { '2108821': '94', '2109077': '1454912619', '2117524': '0', '2120596': '0' },
      createDate: 1476318514,
      providerId: 2,
      trustLevel: 99,
    },
    '4': {
      attributes: { '2109333': '12', '2109589': '1476318514', '2139285': '73183493944770750' },
      createDate: 1476318514,
      providerId: 4,
      trustLevel: 0,
    },
  },
  agents: [
    { agentGuid: '{3a6f574a-3e6f-436d-acd4-bcde336b054d}', date: 1475873692 },
    { agentGuid: '{68125cd6-a5d8-11e6-348e-000c29663178}', date: 1478626172 },
  ],
};

export const CERT1 = {
  sha1: 'b5bb3823c60f4f3fda94decb5246edcfb126f0ad',
  publicKeySha1: 'af55bf11d98375cbee961bd71c08f47bc1aa1937',
};


// ---- payloads from tie-sample-data.json (events, wire examples) ----

export const SAMPLE_repChangeUnitTest = {
  "topic": "/mcafee/event/tie/file/repchange/broadcast",
  "raw": {
    "oldReputations": {
      "reputations": [
        {
          "attributes": {
            "2098277": "256"
          },
          "createDate": 1409783001,
          "providerId": 3,
          "trustLevel": 0
        },
        {
          "attributes": {
            "2120340": "2139160704"
          },
          "createDate": 1409783001,
          "providerId": 1,
          "trustLevel": 99
        }
      ],
      "props": {
        "serverTime": 1409851328
      }
    },
    "newReputations": {
      "reputations": [
        {
          "attributes": {
            "2098277": "256"
          },
          "createDate": 1409783001,
          "providerId": 3,
          "trustLevel": 85
        },
        {
          "attributes": {
            "2120340": "2139160704"
          },
          "createDate": 1409783001,
          "providerId": 1,
          "trustLevel": 99
        }
      ],
      "props": {
        "serverTime": 1409851328
      }
    },
    "relationships": {
      "certificate": {
        "hashes": [
          {
            "value": "rB/QkipKKm5XeazdYodHwoOUsLk=",
            "type": "sha1"
          }
        ],
        "publicKeySha1": "Q139Rw9ydDfHy08Hy6H5ofQnJlY="
      }
    },
    "hashes": [
      {
        "type": "md5",
        "value": "bQvLG6j1WmwRB8LZ2gPa1w=="
      },
      {
        "type": "sha1",
        "value": "OxbrjQd0H6+3meBW5YuBoInTcqM="
      },
      {
        "type": "sha256",
        "value": "yXfKH1ESH+5YzaiIJ6YXOtTx1y2AJihOTE9EMCqWfkA="
      }
    ],
    "updateTime": 1409851328
  },
  "transformed": {
    "oldReputations": {
      "3": {
        "attributes": {
          "2098277": "256"
        },
        "createDate": 1409783001,
        "providerId": 3,
        "trustLevel": 0
      },
      "1": {
        "attributes": {
          "2120340": "2139160704"
        },
        "createDate": 1409783001,
        "providerId": 1,
        "trustLevel": 99
      }
    },
    "newReputations": {
      "3": {
        "attributes": {
          "2098277": "256"
        },
        "createDate": 1409783001,
        "providerId": 3,
        "trustLevel": 85
      },
      "1": {
        "attributes": {
          "2120340": "2139160704"
        },
        "createDate": 1409783001,
        "providerId": 1,
        "trustLevel": 99
      }
    },
    "relationships": {
      "certificate": {
        "hashes": {
          "sha1": "ac1fd0922a4a2a6e5779acdd628747c28394b0b9"
        },
        "publicKeySha1": "435dfd470f727437c7cb4f07cba1f9a1f4272656"
      }
    },
    "hashes": {
      "md5": "6d0bcb1ba8f55a6c1107c2d9da03dad7",
      "sha1": "3b16eb8d07741fafb799e056e58b81a089d372a3",
      "sha256": "c977ca1f51121fee58cda88827a6173ad4f1d72d8026284e4c4f44302a967e40"
    },
    "updateTime": 1409851328
  }
};

export const SAMPLE_certRepChange = {
  "topic": "/mcafee/event/tie/cert/repchange/broadcast",
  "raw": {
    "hashes": [
      {
        "type": "sha1",
        "value": "bq4m24wTGCp5R5gpkbQyFzLMPeI="
      }
    ],
    "oldReputations": {
      "reputations": [
        {
          "attributes": {
            "2108821": "94",
            "2109077": "1454912619",
            "2117524": "0",
            "2120596": "0"
          },
          "createDate": 1476318514,
          "providerId": 2,
          "trustLevel": 99
        },
        {
          "attributes": {
            "2109333": "12",
            "2109589": "1476318514",
            "2139285": "73183493944770750"
          },
          "createDate": 1476318514,
          "providerId": 4,
          "trustLevel": 0
        }
      ]
    },
    "newReputations": {
      "reputations": [
        {
          "attributes": {
            "2108821": "94",
            "2109077": "1454912619",
            "2117524": "0",
            "2120596": "0"
          },
          "createDate": 1476318514,
          "providerId": 2,
          "trustLevel": 99
        },
        {
          "attributes": {
            "2109333": "12",
            "2109589": "1476318514",
            "2139285": "73183493944770750"
          },
          "createDate": 1700000000,
          "providerId": 4,
          "trustLevel": 99
        }
      ]
    },
    "updateTime": 1700000000,
    "publicKeySha1": "O4ei1vOXcBYDZLeaFS/Mc7riet8="
  },
  "transformed": {
    "hashes": {
      "sha1": "6eae26db8c13182a7947982991b4321732cc3de2"
    },
    "oldReputations": {
      "2": {
        "attributes": {
          "2108821": "94",
          "2109077": "1454912619",
          "2117524": "0",
          "2120596": "0"
        },
        "createDate": 1476318514,
        "providerId": 2,
        "trustLevel": 99
      },
      "4": {
        "attributes": {
          "2109333": "12",
          "2109589": "1476318514",
          "2139285": "73183493944770750"
        },
        "createDate": 1476318514,
        "providerId": 4,
        "trustLevel": 0
      }
    },
    "newReputations": {
      "2": {
        "attributes": {
          "2108821": "94",
          "2109077": "1454912619",
          "2117524": "0",
          "2120596": "0"
        },
        "createDate": 1476318514,
        "providerId": 2,
        "trustLevel": 99
      },
      "4": {
        "attributes": {
          "2109333": "12",
          "2109589": "1476318514",
          "2139285": "73183493944770750"
        },
        "createDate": 1700000000,
        "providerId": 4,
        "trustLevel": 99
      }
    },
    "updateTime": 1700000000,
    "publicKeySha1": "3b87a2d6f39770160364b79a152fcc73bae27adf"
  }
};

export const SAMPLE_detectionUnitTest = {
  "topic": "/mcafee/event/tie/file/detection",
  "raw": {
    "hashes": [
      {
        "value": "CZnbhOFq32TBWnuAOUhLMw==",
        "type": "md5"
      },
      {
        "value": "7vZcAfgW1DgH2WrHY5A3h14Fbks=",
        "type": "sha1"
      },
      {
        "type": "sha256",
        "value": "yXfKH1ESH+5YzaiIJ6YXOtTx1y2AJihOTE9EMCqWfkA="
      }
    ],
    "agentGuid": "{abc5d2c6-e959-11e3-baeb-005056c00009}",
    "remediationAction": 5,
    "localReputation": 1,
    "detectionTime": 1402617156
  },
  "transformed": {
    "remediationAction": 5,
    "agentGuid": "{abc5d2c6-e959-11e3-baeb-005056c00009}",
    "hashes": {
      "md5": "0999db84e16adf64c15a7b8039484b33",
      "sha1": "eef65c01f816d43807d96ac7639037875e056e4b",
      "sha256": "c977ca1f51121fee58cda88827a6173ad4f1d72d8026284e4c4f44302a967e40"
    },
    "localReputation": 1,
    "detectionTime": 1402617156
  }
};

export const SAMPLE_firstInstanceUnitTest = {
  "topic": "/mcafee/event/tie/file/firstinstance",
  "raw": {
    "hashes": [
      {
        "type": "sha1",
        "value": "LWykUGG3lyMS4A5ZM/3/lbuQths="
      },
      {
        "type": "md5",
        "value": "MdvozEQ9LKf9I2rAClL7Fw=="
      },
      {
        "type": "sha256",
        "value": "qjxGHUwho5LjctDWykzrHk2ICY1YdllFTq9Nk8ZhiA8="
      }
    ],
    "agentGuid": "testGuid",
    "name": "MORPH.EXE"
  },
  "transformed": {
    "agentGuid": "testGuid",
    "hashes": {
      "md5": "31dbe8cc443d2ca7fd236ac00a52fb17",
      "sha1": "2d6ca45061b7972312e00e5933fdff95bb90b61b",
      "sha256": "aa3c461d4c21a392e372d0d6ca4ceb1e4d88098d587659454eaf4d93c661880f"
    },
    "name": "MORPH.EXE"
  }
};

export const SAMPLE_overridden = {
  "_source": "Python test_transformreps_withoverrides (raw -> transformed) and constants.py example comment",
  "raw": {
    "files": [
      {
        "hashes": [
          {
            "type": "md5",
            "value": "8se7isyX+S6Yei1Ah9AhsQ=="
          },
          {
            "type": "sha1",
            "value": "frATnSF1c5s8yw0REAZ4IL5qvSk="
          },
          {
            "type": "sha256",
            "value": "FC4daI7wVoNww3GH/Z8jUdfd7aV0+L+psPpO9C24WqI="
          }
        ]
      }
    ],
    "truncated": 0
  },
  "transformed": {
    "files": [
      {
        "hashes": {
          "md5": "f2c7bb8acc97f92e987a2d4087d021b1",
          "sha1": "7eb0139d2175739b3ccb0d1110067820be6abd29",
          "sha256": "142e1d688ef0568370c37187fd9f2351d7ddeda574f8bfa9b0fa4ef42db85aa2"
        }
      }
    ],
    "truncated": 0
  }
};

export const SAMPLE_wikiTransformed = {
  "hashes": {
    "md5": "f2c7bb8acc97f92e987a2d4087d01221",
    "sha1": "7eb0139d2175739b3ccb0d1110067820be6abd2b"
  },
  "newReputations": {
    "1": {
      "attributes": {
        "2120340": "0"
      },
      "createDate": 1480551590,
      "providerId": 1,
      "trustLevel": 0
    },
    "3": {
      "attributes": {
        "2101652": "0",
        "2102165": "1480551374",
        "2111893": "244",
        "2114965": "1",
        "2139285": "73183493944770750"
      },
      "createDate": 1480551374,
      "providerId": 3,
      "trustLevel": 99
    }
  },
  "oldReputations": {
    "1": {
      "attributes": {
        "2120340": "0"
      },
      "createDate": 1480551590,
      "providerId": 1,
      "trustLevel": 0
    },
    "3": {
      "attributes": {
        "2101652": "0",
        "2102165": "1480551374",
        "2111893": "244",
        "2114965": "1",
        "2139285": "73183493944770750"
      },
      "createDate": 1480551374,
      "providerId": 3,
      "trustLevel": 0
    }
  },
  "updateTime": 1481222923
};

export const SAMPLE_wikiWire = [
  {
    "type": "md5",
    "value": "8se7isyX+S6Yei1Ah9ASIQ=="
  },
  {
    "type": "sha1",
    "value": "frATnSF1c5s8yw0REAZ4IL5qvSs="
  }
];

export const SAMPLE_docstringTransformed = {
  "hashes": {
    "md5": "f2c7bb8acc97f92e987a2d4087d021b1",
    "sha1": "7eb0139d2175739b3ccb0d1110067820be6abd29",
    "sha256": "142e1d688ef0568370c37187fd9f2351d7ddeda574f8bfa9b0fa4ef42db85aa2"
  },
  "newReputations": {
    "1": {
      "attributes": {
        "2120340": "2139160704"
      },
      "createDate": 1480455704,
      "providerId": 1,
      "trustLevel": 99
    },
    "3": {
      "attributes": {
        "2101652": "235",
        "2102165": "1476902802",
        "2111893": "244",
        "2114965": "4",
        "2139285": "73183493944770750"
      },
      "createDate": 1476902802,
      "providerId": 3,
      "trustLevel": 99
    }
  },
  "oldReputations": {
    "1": {
      "attributes": {
        "2120340": "2139160704"
      },
      "createDate": 1480455704,
      "providerId": 1,
      "trustLevel": 99
    },
    "3": {
      "attributes": {
        "2101652": "235",
        "2102165": "1476902802",
        "2111893": "244",
        "2114965": "4",
        "2139285": "73183493944770750"
      },
      "createDate": 1476902802,
      "providerId": 3,
      "trustLevel": 85
    }
  },
  "updateTime": 1481219581
};

export const SAMPLE_notepadWire = [
  {
    "type": "md5",
    "value": "8se7isyX+S6Yei1Ah9AhsQ=="
  },
  {
    "type": "sha1",
    "value": "frATnSF1c5s8yw0REAZ4IL5qvSk="
  },
  {
    "type": "sha256",
    "value": "FC4daI7wVoNww3GH/Z8jUdfd7aV0+L+psPpO9C24WqI="
  }
];

export const SAMPLE_detectionDocs = {
  "topic": "/mcafee/event/tie/file/detection",
  "raw": {
    "agentGuid": "<event message id>",
    "detectionTime": 1481301796,
    "hashes": [
      {
        "type": "md5",
        "value": "614rncUYF6CG17l+tSQQqw=="
      },
      {
        "type": "sha1",
        "value": "Q139Rw9ydDfHy08Hy6H5ofQnJlY="
      },
      {
        "type": "sha256",
        "value": "QUuxaxDs4tsthEjLnzE/gMt3wxDKDBnuA8c8ugwW/ts="
      }
    ],
    "localReputation": 1,
    "name": "FOCUS_MALWARE2.EXE",
    "remediationAction": 5
  },
  "transformed_docs": {
    "agentGuid": "{68125cd6-a5d8-11e6-348e-000c29663178}",
    "detectionTime": 1481301796,
    "hashes": {
      "md5": "eb5e2b9dc51817a086d7b97eb52410ab",
      "sha1": "435dfd470f727437c7cb4f07cba1f9a1f4272656",
      "sha256": "414bb16b10ece2db2d8448cb9f313f80cb77c310ca0c19ee03c73cba0c16fedb"
    },
    "localReputation": 1,
    "name": "FOCUS_MALWARE2.EXE",
    "remediationAction": 5
  }
};

export const SAMPLE_firstInstanceDocs = {
  "topic": "/mcafee/event/tie/file/firstinstance",
  "raw": {
    "agentGuid": "<event message id>",
    "hashes": [
      {
        "type": "md5",
        "value": "MdvozEQ9LKf9I2rAClL7Fw=="
      },
      {
        "type": "sha1",
        "value": "LWykUGG3lyMS4A5ZM/3/lbuQths="
      },
      {
        "type": "sha256",
        "value": "qjxGHUwho5LjctDWykzrHk2ICY1YdllFTq9Nk8ZhiA8="
      }
    ],
    "name": "MORPH.EXE"
  },
  "transformed_docs": {
    "agentGuid": "{68125cd6-a5d8-11e6-348e-000c29663178}",
    "hashes": {
      "md5": "31dbe8cc443d2ca7fd236ac00a52fb17",
      "sha1": "2d6ca45061b7972312e00e5933fdff95bb90b61b",
      "sha256": "aa3c461d4c21a392e372d0d6ca4ceb1e4d88098d587659454eaf4d93c661880f"
    },
    "name": "MORPH.EXE"
  }
};

export const SAMPLE_getFileResponse = {
  "props": {
    "serverTime": 1451505556,
    "submitMetaData": 1
  },
  "reputations": [
    {
      "attributes": {
        "2120340": "2139160704"
      },
      "createDate": 1451502875,
      "providerId": 1,
      "trustLevel": 99
    },
    {
      "attributes": {
        "2101652": "17",
        "2102165": "1451502875",
        "2111893": "21",
        "2114965": "0",
        "2139285": "72339069014638857"
      },
      "createDate": 1451502875,
      "providerId": 3,
      "trustLevel": 0
    }
  ]
};

export const SAMPLE_wireExamples = {
  "getFileReputationRequest_python": {
    "hashes": [
      {
        "type": "md5",
        "value": "8se7isyX+S6Yei1Ah9AhsQ=="
      },
      {
        "type": "sha1",
        "value": "frATnSF1c5s8yw0REAZ4IL5qvSk="
      },
      {
        "type": "sha256",
        "value": "FC4daI7wVoNww3GH/Z8jUdfd7aV0+L+psPpO9C24WqI="
      }
    ],
    "scanType": 3
  },
  "getFileReputationRequest_javascript": {
    "hashes": [
      {
        "type": "md5",
        "value": "8se7isyX+S6Yei1Ah9AhsQ=="
      },
      {
        "type": "sha1",
        "value": "frATnSF1c5s8yw0REAZ4IL5qvSk="
      },
      {
        "type": "sha256",
        "value": "FC4daI7wVoNww3GH/Z8jUdfd7aV0+L+psPpO9C24WqI="
      }
    ]
  },
  "getFileReputationResponse": {
    "props": {
      "serverTime": 1451505556,
      "submitMetaData": 1
    },
    "reputations": [
      {
        "attributes": {
          "2120340": "2139160704"
        },
        "createDate": 1451502875,
        "providerId": 1,
        "trustLevel": 99
      },
      {
        "attributes": {
          "2101652": "17",
          "2102165": "1451502875",
          "2111893": "21",
          "2114965": "0",
          "2139285": "72339069014638857"
        },
        "createDate": 1451502875,
        "providerId": 3,
        "trustLevel": 0
      }
    ]
  },
  "setFileReputationRequest_python": {
    "trustLevel": 85,
    "providerId": 3,
    "filename": "notepad.exe",
    "comment": "Reputation set via OpenDXL",
    "hashes": [
      {
        "type": "md5",
        "value": "8se7isyX+S6Yei1Ah9AhsQ=="
      },
      {
        "type": "sha1",
        "value": "frATnSF1c5s8yw0REAZ4IL5qvSk="
      },
      {
        "type": "sha256",
        "value": "FC4daI7wVoNww3GH/Z8jUdfd7aV0+L+psPpO9C24WqI="
      }
    ]
  },
  "setFileReputationRequest_javascript": {
    "filename": "notepad.exe",
    "trustLevel": 85,
    "providerId": 3,
    "comment": "Reputation set via OpenDXL",
    "hashes": [
      {
        "type": "md5",
        "value": "8se7isyX+S6Yei1Ah9AhsQ=="
      },
      {
        "type": "sha1",
        "value": "frATnSF1c5s8yw0REAZ4IL5qvSk="
      },
      {
        "type": "sha256",
        "value": "FC4daI7wVoNww3GH/Z8jUdfd7aV0+L+psPpO9C24WqI="
      }
    ]
  },
  "getCertReputationRequest": {
    "hashes": [
      {
        "type": "sha1",
        "value": "bq4m24wTGCp5R5gpkbQyFzLMPeI="
      }
    ],
    "publicKeySha1": "O4ei1vOXcBYDZLeaFS/Mc7riet8="
  },
  "setCertReputationRequest_python": {
    "trustLevel": 99,
    "providerId": 4,
    "comment": "Reputation set via OpenDXL",
    "hashes": [
      {
        "type": "sha1",
        "value": "bq4m24wTGCp5R5gpkbQyFzLMPeI="
      }
    ],
    "publicKeySha1": "O4ei1vOXcBYDZLeaFS/Mc7riet8="
  },
  "getFileFirstRefsRequest": {
    "queryLimit": 500,
    "hashes": [
      {
        "type": "md5",
        "value": "8se7isyX+S6Yei1Ah9AhsQ=="
      },
      {
        "type": "sha1",
        "value": "frATnSF1c5s8yw0REAZ4IL5qvSk="
      },
      {
        "type": "sha256",
        "value": "FC4daI7wVoNww3GH/Z8jUdfd7aV0+L+psPpO9C24WqI="
      }
    ]
  },
  "getCertFirstRefsRequest": {
    "queryLimit": 500,
    "hashes": [
      {
        "type": "sha1",
        "value": "bq4m24wTGCp5R5gpkbQyFzLMPeI="
      }
    ],
    "publicKeySha1": "O4ei1vOXcBYDZLeaFS/Mc7riet8="
  },
  "setExternalFileReputationEvent_python": {
    "file": {
      "type": 18,
      "hashes": {
        "md5": "f2c7bb8acc97f92e987a2d4087d021b1",
        "sha1": "7eb0139d2175739b3ccb0d1110067820be6abd29",
        "sha256": "142e1d688ef0568370c37187fd9f2351d7ddeda574f8bfa9b0fa4ef42db85aa2"
      },
      "attributes": {
        "filename": "notepad.exe"
      },
      "reputation": {
        "score": 99
      }
    },
    "provider": {
      "id": 15
    },
    "comment": "Reputation set via OpenDXL"
  },
  "errorResponse_notFound": {
    "errorCode": 0,
    "errorMessage": "Could not find reputation",
    "pythonExceptionText": "Error: Could not find reputation (0)"
  },
  "errorResponse_serviceUnavailable_fromBroker": {
    "errorCode": 2147483649,
    "errorCodeHex": "0x80000001",
    "errorMessage": "unable to locate service for request",
    "jsErrorCode": "ERR_DXL_SERVICE_UNAVAILABLE"
  }
};
